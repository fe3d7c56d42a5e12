import { readdir, readFile } from 'node:fs/promises';

/** Applies db/migrations/*.sql in file-name order. */
export async function migrate(pool) {
  const dir = new URL('../db/migrations/', import.meta.url);
  for (const name of (await readdir(dir)).sort()) await pool.query(await readFile(new URL(name, dir), 'utf8'));
}
