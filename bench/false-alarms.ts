/**
 * False alarms: how often the suite fails a target that is correct. Runs every scenario against
 * the unmutated reference service, seed after seed, until at least --schedules schedules have been
 * explored, and counts the failing runs (each one is a false alarm: the service has every guard).
 * Usage:
 *   npm run false-alarms                       # ≥ 1000 schedules on PGlite (DATABASE_URL: PostgreSQL)
 *   npm run false-alarms -- --schedules 3000 --seed 7
 * Exit 0 with no false alarm, 1 otherwise (each one printed with its replay command).
 */
import { parseArgs } from 'node:util';
import { findConfigFile, loadConfig, loadScenarios } from '../harness/runner/load.ts';
import { loadScenarioTape, runScenario } from '../harness/runner/run-scenario.ts';
import { openSession } from '../harness/runner/session.ts';

const { values } = parseArgs({ options: { schedules: { type: 'string' }, seed: { type: 'string' }, runs: { type: 'string' } } });
const target = Number(values.schedules ?? 1000);
const firstSeed = Number(values.seed ?? 1);
const started = performance.now();

const { config, rootDir } = await loadConfig(findConfigFile());
const scenarios = await loadScenarios(`${rootDir}/scenarios`);
const tapes = await Promise.all(scenarios.map((s) => loadScenarioTape(s, rootDir)));
const session = await openSession({ config, rootDir, tapes });
const perScenario = new Map(scenarios.map((s) => [s.name, { schedules: 0, alarms: 0 }]));
const alarms: string[] = [];
let total = 0;
try {
  for (let seed = firstSeed; total < target; seed++) {
    for (const scenario of scenarios) {
      const runs = Number(values.runs ?? scenario.runs ?? 100);
      const result = await runScenario(session, scenario, { runs, seed });
      const row = perScenario.get(scenario.name)!;
      row.schedules += result.schedules;
      total += result.schedules;
      if (result.status === 'errored') throw new Error(`${scenario.name} (seed ${seed}) errored: ${result.error.message}`);
      if (result.status === 'failed') {
        row.alarms += 1;
        const broken = [...new Set(result.counterexample.violations.map((v) => v.invariant))].join(', ');
        alarms.push(`${scenario.name} seed ${seed}: ${broken}\n    ${result.replayCommand}`);
      }
    }
    process.stdout.write(`seed ${seed}: ${total} schedules so far\n`);
  }
} finally {
  await session.close();
}

console.log(`\nfalse alarms on the unmutated reference service (${session.database.kind}), ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
console.log(`${'scenario'.padEnd(22)}${'schedules'.padStart(10)}${'alarms'.padStart(8)}`);
for (const [name, row] of perScenario) console.log(`${name.padEnd(22)}${String(row.schedules).padStart(10)}${String(row.alarms).padStart(8)}`);
console.log(`${'(all)'.padEnd(22)}${String(total).padStart(10)}${String(alarms.length).padStart(8)}`);
for (const alarm of alarms) console.log(`  ✗ ${alarm}`);
process.exitCode = alarms.length === 0 ? 0 : 1;
