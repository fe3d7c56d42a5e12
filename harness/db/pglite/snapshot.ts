import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * Starting PGlite costs seconds: compiling its WebAssembly and running `initdb`. Both are done
 * once: the compiled modules are kept per process, and the data directory right after `initdb`
 * (or after a migration, keyed by the schema) is dumped to a cache file that every later
 * session and test file loads instead.
 */

const pgliteDist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));

/** PGlite's version: a snapshot is only ever loaded by the PGlite that wrote it. */
const pgliteVersion = async (): Promise<string> =>
  (JSON.parse(await readFile(join(pgliteDist, '..', 'package.json'), 'utf8')) as { version: string }).version;

/** PGlite's own name for a compiled module (WebAssembly.Module; the project's `lib` has no DOM). */
type WasmModule = NonNullable<PGliteOptions['pgliteWasmModule']>;

interface Artifacts {
  pgliteWasmModule: WasmModule;
  initdbWasmModule: WasmModule;
  fsBundle: Blob;
  version: string;
}

let artifacts: Promise<Artifacts> | undefined;

/** Node's global WebAssembly (the project's `lib` has no DOM, so only its types are declared). */
const compileWasm = (bytes: Uint8Array): Promise<WasmModule> =>
  (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<WasmModule> } }).WebAssembly.compile(bytes);

/** The compiled modules and file-system bundle, read and compiled once per process. */
function loadArtifacts(): Promise<Artifacts> {
  artifacts ??= (async () => {
    const [pglite, initdb, bundle, version] = await Promise.all([
      readFile(join(pgliteDist, 'pglite.wasm')).then(compileWasm),
      readFile(join(pgliteDist, 'initdb.wasm')).then(compileWasm),
      readFile(join(pgliteDist, 'pglite.data')),
      pgliteVersion(),
    ]);
    return { pgliteWasmModule: pglite, initdbWasmModule: initdb, fsBundle: new Blob([bundle]), version };
  })();
  artifacts.catch(() => (artifacts = undefined));
  return artifacts;
}

/** Where snapshots are kept: `IDEMGATE_CACHE_DIR`, else `node_modules/.cache/idemgate` in the working directory, else the temp dir. */
async function cacheDir(): Promise<string> {
  const configured = process.env.IDEMGATE_CACHE_DIR;
  if (configured !== undefined && configured !== '') return configured;
  const modules = join(process.cwd(), 'node_modules');
  const inModules = await stat(modules).then((s) => s.isDirectory(), () => false);
  return inModules ? join(modules, '.cache', 'idemgate') : join(tmpdir(), 'idemgate-cache');
}

/** At most this many snapshots are kept; the least recently written go first. */
const MAX_SNAPSHOTS = 8;

async function readSnapshot(file: string): Promise<Blob | undefined> {
  try {
    return new Blob([await readFile(file)]);
  } catch {
    return undefined;
  }
}

/** Writes atomically (temp file + rename), so a concurrent reader never sees half a snapshot. */
async function writeSnapshot(dir: string, file: string, data: Blob): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, Buffer.from(await data.arrayBuffer()));
  await rename(temp, file);
  const entries = await readdir(dir);
  const snapshots = await Promise.all(
    entries.filter((e) => e.endsWith('.tar')).map(async (e) => ({ e, mtime: (await stat(join(dir, e)).catch(() => undefined))?.mtimeMs ?? 0 })),
  );
  for (const { e } of snapshots.sort((a, b) => b.mtime - a.mtime).slice(MAX_SNAPSHOTS)) await rm(join(dir, e), { force: true });
}

export interface SnapshotOptions {
  /**
   * What the database is prepared with, and a key that changes whenever that preparation would give
   * a different database (e.g. a hash of the migration files). Without it only the empty database
   * after `initdb` is cached and nothing is prepared.
   */
  prepared?: { key: string; prepare: (client: PGlite) => Promise<void> };
  /** Extra PGlite options (parsers etc.). */
  options?: Omit<PGliteOptions, 'loadDataDir' | 'pgliteWasmModule' | 'initdbWasmModule' | 'fsBundle'>;
}

export interface BootedPglite {
  client: PGlite;
  /** Where the data directory came from: a cold `initdb`, the base snapshot, or the prepared one. */
  source: 'cold' | 'base-snapshot' | 'prepared-snapshot';
}

const fileKey = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 24);

/**
 * A PGlite instance started from the newest snapshot that fits: the prepared one for this key,
 * else the base one (then prepared and snapshotted for next time), else a cold start (then
 * snapshotted). A snapshot that cannot be read or written only costs the time it would have saved.
 *
 * @example
 * const { client, source } = await bootPglite({ prepared: { key: schemaHash, prepare: (c) => migrate(c) } });
 */
export async function bootPglite(options: SnapshotOptions = {}): Promise<BootedPglite> {
  const art = await loadArtifacts();
  const dir = await cacheDir();
  const create = (loadDataDir?: Blob): Promise<PGlite> =>
    PGlite.create({
      ...options.options,
      pgliteWasmModule: art.pgliteWasmModule,
      initdbWasmModule: art.initdbWasmModule,
      fsBundle: art.fsBundle,
      ...(loadDataDir === undefined ? {} : { loadDataDir }),
    });
  const save = (file: string, client: PGlite): Promise<void> =>
    client
      .dumpDataDir('none')
      .then((data) => writeSnapshot(dir, file, data))
      .catch(() => undefined);

  const prepared = options.prepared;
  const preparedFile = prepared && join(dir, `pglite-${art.version}-${fileKey(prepared.key)}.tar`);
  if (preparedFile !== undefined) {
    const snapshot = await readSnapshot(preparedFile);
    if (snapshot !== undefined) {
      const client = await create(snapshot).catch(() => undefined);
      if (client !== undefined) return { client, source: 'prepared-snapshot' };
    }
  }
  const baseFile = join(dir, `pglite-${art.version}-base.tar`);
  const base = await readSnapshot(baseFile);
  let client = base === undefined ? undefined : await create(base).catch(() => undefined);
  const source = client === undefined ? 'cold' : 'base-snapshot';
  if (client === undefined) {
    client = await create();
    await save(baseFile, client);
  }
  if (prepared !== undefined && preparedFile !== undefined) {
    try {
      await prepared.prepare(client);
    } catch (e) {
      await client.close().catch(() => undefined);
      throw e;
    }
    await save(preparedFile, client);
  }
  return { client, source };
}
