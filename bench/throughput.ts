/**
 * Schedules per second of the reference suite, PGlite and PostgreSQL side by side in one run,
 * same scenarios, same seed, same run count. Usage:
 *   npm run bench                      # PGlite, plus PostgreSQL at DATABASE_URL or 127.0.0.1:5432/test
 *   npm run bench -- --runs 50
 */
import { parseArgs } from 'node:util';
import { findConfigFile, loadConfig, loadScenarios } from '../harness/runner/load.ts';
import { loadScenarioTape, runScenario } from '../harness/runner/run-scenario.ts';
import { openSession } from '../harness/runner/session.ts';
import { BENCH_POSTGRES_URL, reachable } from './postgres.ts';

const { values } = parseArgs({ options: { runs: { type: 'string' }, seed: { type: 'string' } } });
const runs = Number(values.runs ?? 100);
const seed = Number(values.seed ?? 20261125);
const pgUrl = BENCH_POSTGRES_URL;


const { config, rootDir } = await loadConfig(findConfigFile());
const scenarios = await loadScenarios(`${rootDir}/scenarios`);
const tapes = await Promise.all(scenarios.map((s) => loadScenarioTape(s, rootDir)));
const backends: { name: string; url: string | null }[] = [{ name: 'pglite', url: null }];
if (await reachable(pgUrl)) backends.push({ name: 'postgres', url: pgUrl });
else console.log(`PostgreSQL at ${pgUrl} is not reachable: measuring PGlite only`);

const rows: Record<string, Record<string, number>> = {};
for (const backend of backends) {
  const session = await openSession({ config, rootDir, tapes, databaseUrl: backend.url });
  try {
    let total = 0;
    let ms = 0;
    for (const scenario of scenarios) {
      const r = await runScenario(session, scenario, { runs, seed });
      if (r.status !== 'passed') throw new Error(`${scenario.name} did not pass on ${backend.name}: ${r.status}`);
      (rows[scenario.name] ??= {})[backend.name] = r.schedules / (r.durationMs / 1000);
      total += r.schedules;
      ms += r.durationMs;
    }
    (rows['(all scenarios)'] ??= {})[backend.name] = total / (ms / 1000);
  } finally {
    await session.close();
  }
}

console.log(`\nschedules per second, ${runs} runs per scenario, seed ${seed}, reference service in-process\n`);
const names = backends.map((b) => b.name);
console.log(['scenario'.padEnd(22), ...names.map((n) => n.padStart(10)), names.length > 1 ? '  pglite/postgres' : ''].join(''));
for (const [scenario, byBackend] of Object.entries(rows)) {
  const cells = names.map((n) => (byBackend[n] ?? 0).toFixed(1).padStart(10));
  const ratio = names.length > 1 ? `  ${((byBackend['pglite'] ?? 0) / (byBackend['postgres'] ?? 1)).toFixed(2)}×` : '';
  console.log([scenario.padEnd(22), ...cells, ratio].join(''));
}
