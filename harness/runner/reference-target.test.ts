import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import config, { childProcess } from '../../idemgate.config.ts';
import { deliveryFaults } from '../faults/index.ts';
import { formatResult } from '../report/console.ts';
import { loadScenarioTape, runScenario } from './run-scenario.ts';
import { defineScenario } from './scenario.ts';
import { openSession, type Session } from './session.ts';

// Defined here rather than imported from scenarios/, which would register that file's test too.
const stripeWebhooks = defineScenario({
  name: 'stripe-webhooks-child-process',
  tapes: ['fixtures/tapes/stripe.jsonl'],
  faults: deliveryFaults(),
});

/**
 * The same reference service, started the way a service in any language is: as a child process
 * with env, a health check, and the database reached by URL (PGlite through its socket server,
 * or the isolated PostgreSQL database when DATABASE_URL is set). The scenario files drive it
 * in-process.
 */
describe('reference service as a child process', () => {
  let session: Session;
  const root = new URL('../..', import.meta.url).pathname;

  beforeAll(async () => {
    const asProcess = { ...config, database: {}, target: { ...config.target, start: childProcess() } };
    session = await openSession({ config: asProcess, rootDir: root, tapes: [await loadScenarioTape(stripeWebhooks, root)] });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('is reached over its own port and database URL', () => {
    expect(session.target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(session.database.url).toMatch(/^postgres(ql)?:\/\//);
  });

  it('holds every invariant over faulted schedules', async () => {
    const result = await runScenario(session, stripeWebhooks, { runs: 40, seed: 2026 });
    expect(result.status, formatResult(result).join('\n')).toBe('passed');
    expect(result.schedules).toBeGreaterThanOrEqual(41);
  });
});
