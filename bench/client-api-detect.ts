/**
 * How many schedules idemgate needs to catch the idempotency service's non-atomic claim (guard
 * `idempotency-claim-atomic` deleted), per seed: the index of the first failing draw in the
 * fast-check run (the clean replay is schedule 1, so draw i is schedule i + 2), and the shrunk edits.
 *   npx tsx bench/client-api-detect.ts [--seeds 10] [--runs 200]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runWithoutGuard } from '../harness/mutate/without-guard.ts';
import { loadConfig } from '../harness/runner/load.ts';
import { paymentsApi } from '../fixtures/idempotency-service/scenarios/payments-api.scenario.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '10' }, runs: { type: 'string', default: '200' } } });
const configFile = resolve(import.meta.dirname, '../fixtures/idempotency-service/idemgate.config.ts');
const { config, rootDir } = await loadConfig(configFile, 'native');
const found: number[] = [];
for (let seed = 1; seed <= Number(values.seeds); seed++) {
  const result = await runWithoutGuard({ config, rootDir, guard: 'idempotency-claim-atomic', scenario: paymentsApi, runs: Number(values.runs), seed, databaseUrl: null });
  if (result.status !== 'failed') {
    console.log(`seed ${seed}: ${result.status} after ${result.schedules} schedules`);
    continue;
  }
  const draw = Number(result.path.split(':')[0]);
  found.push(draw + 2);
  console.log(`seed ${seed}: caught at schedule ${draw + 2} (draw ${draw}); shrunk to ${JSON.stringify(result.counterexample.draw.edits)}; broken: ${[...new Set(result.counterexample.violations.map((v) => v.invariant))].join(', ')}`);
}
const sorted = [...found].sort((a, b) => a - b);
console.log(`caught ${found.length}/${values.seeds}; schedules to detect: median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted.at(-1)}`);
