import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { IdemgateError } from '../errors.ts';

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries.filter((e) => !e.name.startsWith('.') && e.name !== 'node_modules').map((e) => filesUnder(join(path, e.name))),
  );
  return nested.flat();
}

/**
 * A key for "the database these files build": a hash of each file's path and contents (folders
 * read recursively, in a fixed order) plus `extra` (e.g. the migrate function's source). It changes
 * when any of them does, so a snapshot under an old key is never loaded for a new schema.
 *
 * @example
 * await schemaKey(['fixtures/merchant-service/drizzle'], rootDir, String(config.database.migrate));
 */
export async function schemaKey(paths: readonly string[], rootDir: string, extra = ''): Promise<string> {
  const hash = createHash('sha256').update(extra);
  for (const path of paths) {
    const absolute = resolve(rootDir, path);
    const files = await filesUnder(absolute).catch((e: unknown) => {
      throw new IdemgateError('CONFIG_INVALID', `database.schemaFiles: cannot read ${path} (${(e as Error).message})`, {
        details: { path: 'database.schemaFiles' },
      });
    });
    for (const file of files.sort()) {
      hash.update(`\0${relative(rootDir, file)}\0`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex');
}
