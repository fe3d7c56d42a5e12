/**
 * `npm run bench`: how fast the harness is, every figure measured side by side in one run
 * (absolute numbers vary 2–3× with machine load; the ratios are what to compare):
 *   1. schedules per second on the reference service with 1 and N executors (workers), same seed;
 *   2. the harness's overhead: a schedule's wall time ÷ the target's own handling time;
 *   3. each reset strategy on the reference schema with a clean replay's rows, PGlite and PostgreSQL;
 *   4. a PGlite session start cold, from the base snapshot and from the migrated snapshot;
 *   5. the replay client against autocannon on a trivial server.
 * Usage:
 *   npm run bench [-- --runs 30 --workers 2 --resets 100]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Database, ResetStrategy } from '../harness/db/database.ts';
import { deleteAll, truncateAll } from '../harness/db/reset.ts';
import { findConfigFile, loadConfig, loadScenarios } from '../harness/runner/load.ts';
import { loadScenarioTape, runScenario } from '../harness/runner/run-scenario.ts';
import { openSession, type Session } from '../harness/runner/session.ts';
import { openWorkerPool } from '../harness/runner/workers/pool.ts';
import { BENCH_POSTGRES_URL, reachable } from './postgres.ts';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, seed: { type: 'string' }, workers: { type: 'string' }, resets: { type: 'string' } },
});
const runs = Number(values.runs ?? 30);
const seed = Number(values.seed ?? 20261202);
const workers = Number(values.workers ?? availableParallelism());
const resets = Number(values.resets ?? 100);
const pgUrl = BENCH_POSTGRES_URL;

const configFile = findConfigFile();
const { config, rootDir } = await loadConfig(configFile);
const scenarios = await loadScenarios(join(rootDir, config.scenarios ?? 'scenarios'));
const tapes = await Promise.all(scenarios.map((s) => loadScenarioTape(s, rootDir)));
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const pad = (s: string, n: number): string => s.padEnd(n);


// 1 + 2. Executors and overhead, in-process on PGlite.
async function throughput(): Promise<void> {
  const session = await openSession({ config, rootDir, tapes, databaseUrl: null });
  const pool = workers > 1 ? await openWorkerPool({ configFile, scenarios: scenarios.map((s) => s.name), databaseUrl: null, size: workers - 1 }) : undefined;
  try {
    let one = { schedules: 0, ms: 0 };
    let many = { schedules: 0, ms: 0 };
    const handling = session.target.handlingMs;
    let handled = 0;
    for (const scenario of scenarios) {
      const before = handling?.() ?? 0;
      const a = await runScenario(session, scenario, { runs, seed });
      handled += (handling?.() ?? 0) - before;
      const b = pool === undefined ? a : await runScenario(session, scenario, { runs, seed, workers: pool });
      if (a.status !== b.status) throw new Error(`${scenario.name}: ${a.status} with 1 executor, ${b.status} with ${workers}`);
      one = { schedules: one.schedules + a.schedules, ms: one.ms + a.durationMs };
      many = { schedules: many.schedules + b.schedules, ms: many.ms + b.durationMs };
    }
    const rate = (r: { schedules: number; ms: number }): number => r.schedules / (r.ms / 1000);
    console.log(`\n1. schedules per second, reference service in-process on PGlite, ${scenarios.length} scenarios × ${runs} runs, seed ${seed}`);
    console.log(`   1 executor   ${rate(one).toFixed(1).padStart(7)}/s  (${one.schedules} schedules in ${(one.ms / 1000).toFixed(1)} s)`);
    console.log(`   ${workers} executors  ${rate(many).toFixed(1).padStart(7)}/s  (${many.schedules} schedules in ${(many.ms / 1000).toFixed(1)} s)   ${ratio(rate(many), rate(one))} one executor`);
    if (handling !== undefined && handled > 0) {
      console.log(`\n2. overhead: wall time of the 1-executor run ÷ the service's own request handling = ${(one.ms / handled).toFixed(2)} (${(handled / 1000).toFixed(1)} s of ${(one.ms / 1000).toFixed(1)} s)`);
    }
  } finally {
    await pool?.close();
    await session.close();
  }
}

/** The rows a clean replay leaves, per table, so each reset empties a realistic database. */
async function rowsAfterCleanReplay(session: Session): Promise<Map<string, unknown[]>> {
  const scenario = scenarios.find((s) => s.name === 'mixed-traffic') ?? scenarios[0]!;
  await runScenario(session, scenario, { runs: 1, seed });
  const tables = await session.database.query<{ name: string }>(
    `select quote_ident(relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r' and relname not like '%drizzle%'`,
  );
  const rows = new Map<string, unknown[]>();
  for (const { name } of tables) rows.set(name, await session.database.query(`select * from ${name}`));
  await session.reset();
  return rows;
}

async function refill(db: Database, rows: Map<string, unknown[]>): Promise<void> {
  await db.exec('set session_replication_role = replica'); // foreign keys off while refilling
  for (const [table, list] of rows) {
    if (list.length > 0) await db.query(`insert into ${table} select * from json_populate_recordset(null::${table}, $1::json)`, [JSON.stringify(list)]);
  }
  await db.exec('set session_replication_role = origin');
}

// 3. Reset strategies.
async function resetStrategies(): Promise<void> {
  console.log(`\n3. reset, ms per reset (${resets} resets each, interleaved, the rows of a clean mixed-traffic replay refilled before each)`);
  const backends: { name: string; url: string | null }[] = [{ name: 'pglite', url: null }];
  if (await reachable(pgUrl)) backends.push({ name: 'postgres', url: pgUrl });
  else console.log(`   PostgreSQL at ${pgUrl} is not reachable: PGlite only`);
  for (const backend of backends) {
    const session = await openSession({ config, rootDir, tapes, databaseUrl: backend.url });
    try {
      const rows = await rowsAfterCleanReplay(session);
      const strategies: ResetStrategy[] = [truncateAll(), deleteAll()];
      const spent = new Map<string, number>();
      for (let i = 0; i < resets; i++) {
        for (const s of strategies) {
          await refill(session.database, rows);
          const t = performance.now();
          await s.reset(session.database);
          spent.set(s.name, (spent.get(s.name) ?? 0) + performance.now() - t);
        }
      }
      const truncate = spent.get(strategies[0]!.name)! / resets;
      const del = spent.get(strategies[1]!.name)! / resets;
      console.log(`   ${pad(backend.name, 9)} truncate ${truncate.toFixed(2).padStart(6)}  delete ${del.toFixed(2).padStart(6)}  delete is ${ratio(truncate, del)} faster; the session default chose ${session.resetStrategy.name}`);
    } finally {
      await session.close();
    }
  }
}

// 4. PGlite start, each in a fresh process (the compiled WebAssembly is per process).
async function pgliteStart(): Promise<void> {
  const cache = await mkdtemp(join(tmpdir(), 'idemgate-bench-cache-'));
  try {
    const start = (label: string): number => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'pglite-start.ts')], {
        env: { ...process.env, IDEMGATE_CACHE_DIR: cache },
        encoding: 'utf8',
      });
      const ms = Number(/start (\d+(?:\.\d+)?) ms/.exec(r.stdout)?.[1]);
      if (!Number.isFinite(ms)) throw new Error(`pglite-start (${label}) printed no time: ${r.stdout}${r.stderr}`);
      return ms;
    };
    const cold = start('cold');
    const prepared = start('from the migrated snapshot');
    const again = start('from the migrated snapshot, again');
    console.log(`\n4. PGlite session start with the reference migration, in a fresh process`);
    console.log(`   cold (initdb + migrate)   ${cold.toFixed(0).padStart(6)} ms`);
    console.log(`   from the snapshot         ${Math.min(prepared, again).toFixed(0).padStart(6)} ms   ${ratio(Math.min(prepared, again), cold)} of cold`);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

// 5. The replay client against autocannon.
function client(): void {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'replay-rate.ts'), '3000'], { encoding: 'utf8' });
  console.log(`\n5. replay client on a trivial server, one connection\n   ${r.stdout.trim().split('\n').join('\n   ')}`);
}

await throughput();
await resetStrategies();
await pgliteStart();
client();
