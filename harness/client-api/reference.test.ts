/**
 * The reference service's client API (configured in idemgate.config.ts, no code) under both
 * idempotency profiles: it passes when judged by the profile it answers by, and a service judged
 * by the wrong profile fails on the first answer that differs — the profile is what is checked.
 */
import { describe, expect, it } from 'vitest';
import { referenceConfig } from '../../idemgate.config.ts';
import { clientRetries, concurrentDuplicates, missingKey, payloadMismatch } from '../faults/index.ts';
import { formatResult } from '../report/console.ts';
import { loadScenarioTape, runScenario } from '../runner/run-scenario.ts';
import { defineScenario } from '../runner/scenario.ts';
import { openSession } from '../runner/session.ts';
import { clientApi } from './extension.ts';

const root = new URL('../..', import.meta.url).pathname;

const scenario = defineScenario({
  name: 'client-api-profiles',
  tapes: ['fixtures/tapes/merchant-client.jsonl'],
  faults: [concurrentDuplicates({ maxWidth: 3 }), clientRetries(), payloadMismatch(), missingKey()],
  maxEdits: 3,
  extensions: [clientApi()],
});

async function run(serviceProfile: 'ietf' | 'stripe', judgedBy: 'ietf' | 'stripe', runs: number, seed: number) {
  const config = referenceConfig(serviceProfile, judgedBy);
  const session = await openSession({ config, rootDir: root, tapes: [await loadScenarioTape(scenario, root)] });
  try {
    return await runScenario(session, scenario, { runs, seed });
  } finally {
    await session.close();
  }
}

describe('the reference client API under both profiles', () => {
  it.each(['ietf', 'stripe'] as const)('passes judged by the %s profile it answers by', async (profile) => {
    const result = await run(profile, profile, 20, 7);
    expect(result.status, formatResult(result).join('\n')).toBe('passed');
    expect(result.notApplicable.map((n) => n.invariant)).not.toContain('profile-answers');
  }, 120_000);

  it('fails when a service answering by the IETF draft is judged by the Stripe profile, naming what Stripe answers', async () => {
    const result = await run('ietf', 'stripe', 40, 7);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    const broken = result.counterexample.violations.find((v) => v.invariant === 'profile-answers');
    expect(broken?.message, formatResult(result).join('\n')).toMatch(/sent with the same key with another amount was answered 422; the stripe profile answers 400 with "idempotency_error"/);
    // Shrunk to the one request and its variant.
    expect(result.counterexample.draw.edits).toEqual([expect.objectContaining({ kind: 'payload-mismatch', field: 'amount', after: 0 })]);
  }, 180_000);
});
