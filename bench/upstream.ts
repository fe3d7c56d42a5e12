/**
 * Schedules per second on the PSP tape with upstream faults off vs on, in one run, on PGlite:
 *   npx tsx bench/upstream.ts [runs]
 */
import { lostAcks, sequentialDuplicates, defineScenario } from '../harness/index.ts';
import { openSession, runScenario } from '../harness/testing.ts';
import { readTape } from '../harness/tape/read.ts';
import { upstream } from '../harness/upstream/index.ts';
import config, { UPSTREAM_TIMEOUT_MS } from '../idemgate.config.ts';

const runs = Number(process.argv[2] ?? 40);
const tape = 'fixtures/tapes/merchant-client.jsonl';
const root = new URL('..', import.meta.url).pathname;
const base = { tapes: [tape], faults: [sequentialDuplicates({ maxGap: 2 }), lostAcks({})], maxEdits: 2, runs };
const off = defineScenario({ ...base, name: 'bench-upstream-off', extensions: [upstream({})] });
const on = defineScenario({
  ...base,
  name: 'bench-upstream-on',
  extensions: [
    upstream({
      routes: ['psp.payment_intents', 'psp.refunds'],
      rateLimit: true,
      serverErrors: { maxOutage: 6 },
      timeouts: { delayMs: UPSTREAM_TIMEOUT_MS * 2 },
      resets: true,
      unauthorized: true,
      lostAnswers: true,
    }),
  ],
});

const session = await openSession({ config, rootDir: root, tapes: [await readTape(`${root}${tape}`)], databaseUrl: null });
try {
  for (const scenario of [off, on]) {
    const result = await runScenario(session, scenario, { runs, seed: 7 });
    const perS = result.schedules / (result.durationMs / 1000);
    console.log(`${scenario.name}: ${result.status}, ${result.schedules} schedules in ${(result.durationMs / 1000).toFixed(1)} s = ${perS.toFixed(1)} schedules/s`);
  }
} finally {
  await session.close();
}
