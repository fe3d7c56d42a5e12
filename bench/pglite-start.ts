/**
 * One PGlite session start with the reference service's migration, timed inside a fresh process
 * (bench/speed.ts runs it with an empty snapshot cache, then again). Prints `start N ms (source)`.
 */
import { openDatabase } from '../harness/db/open.ts';
import { schemaKey } from '../harness/db/schema-key.ts';
import { findConfigFile, loadConfig } from '../harness/runner/load.ts';

const { config, rootDir } = await loadConfig(findConfigFile());
const migrate = config.database?.migrate;
if (migrate === undefined || config.database?.schemaFiles === undefined) throw new Error('the reference config migrates in-process with schemaFiles');
const key = await schemaKey(config.database.schemaFiles, rootDir, String(migrate));
const started = performance.now();
const db = await openDatabase({ kind: 'pglite' }, { prepare: { migrate, key } });
const ms = performance.now() - started;
await db.close();
console.log(`start ${ms.toFixed(1)} ms`);
