/**
 * The reference service's upstream guards matter: in a copy of its source, started as a child
 * process, deleting one guard makes the run fail with the invariant that guard protects; the
 * untouched copy passes with the same upstream faults on.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config, { UPSTREAM_TIMEOUT_MS } from '../../idemgate.config.ts';
import { defineScenario } from '../index.ts';
import { brokenInvariants, runWithoutGuard } from '../mutate/without-guard.ts';
import { formatResult } from '../report/console.ts';
import { upstream, type UpstreamExtensionOptions } from './index.ts';

const root = resolve(import.meta.dirname, '../..');
const pspTape = 'fixtures/tapes/merchant-client.jsonl';

/** The PSP tape with only upstream faults, against a copy of the service without `guard` (a child process on PGlite). */
function run(guard: string | undefined, faults: UpstreamExtensionOptions, runs: number, env: Record<string, string> = {}) {
  const scenario = defineScenario({
    name: 'upstream-guard-check',
    tapes: [pspTape],
    faults: [],
    runs,
    extensions: [upstream({ routes: ['psp.payment_intents', 'psp.refunds'], maxCallIndex: 2, ...faults })],
  });
  return runWithoutGuard({ config, rootDir: root, guard, scenario, runs, seed: 4242, databaseUrl: null, env });
}

const failedWith = brokenInvariants;

describe('reference service upstream guards (child process)', () => {
  it('passes with every upstream fault on', async () => {
    const result = await run(
      undefined,
      { rateLimit: true, serverErrors: { maxOutage: 6 }, timeouts: { delayMs: UPSTREAM_TIMEOUT_MS * 2 }, resets: true, unauthorized: true, lostAnswers: true },
      20,
    );
    expect(result.status, formatResult(result).join('\n')).toBe('passed');
  }, 120_000);

  it('without its retry backoff, fails upstream-retry-after-honoured', async () => {
    const result = await run('upstream-retry-backoff', { rateLimit: true }, 20);
    expect(failedWith(result)).toContain('upstream-retry-after-honoured');
  }, 120_000);

  it('without its retry limit, fails upstream-retries-bounded', async () => {
    const result = await run('upstream-retry-limit', { serverErrors: { maxOutage: 6 }, maxFaults: 1 }, 30);
    expect(failedWith(result)).toContain('upstream-retries-bounded');
  }, 120_000);

  it('without its 401 no-retry rule, fails upstream-no-retry-after-client-error', async () => {
    const result = await run('upstream-no-retry-on-4xx', { unauthorized: true }, 20);
    expect(failedWith(result)).toContain('upstream-no-retry-after-client-error');
  }, 120_000);

  it('without its outbound idempotency key, fails upstream-retries-same-idempotency-key', async () => {
    const result = await run('psp-outbound-idempotency-key', { lostAnswers: true, resets: true }, 20);
    expect(failedWith(result)).toContain('upstream-retries-same-idempotency-key');
    expect(failedWith(result)).toContain('upstream-ledger-agrees');
  }, 120_000);

  it('without giving the key back when a request fails, fails client-keys-eventually-answered', async () => {
    // A 401 from the PSP makes the charge handler fail after it took the client's key. Without
    // the release the key stays locked until its TTL (a minute), so every redelivery gets 409.
    // A short in-flight wait keeps each 409 quick; there are no concurrent deliveries to wait for.
    const faults: UpstreamExtensionOptions = { unauthorized: true, maxFaults: 1 };
    const env = { IDEMPOTENCY_WAIT_MS: '100' };
    const intact = await run(undefined, faults, 10, env);
    expect(intact.status, formatResult(intact).join('\n')).toBe('passed');
    const result = await run('idempotency-key-release-on-failure', faults, 10, env);
    expect(result.status, formatResult(result).join('\n')).toBe('failed');
    expect(failedWith(result)).toContain('client-keys-eventually-answered');
    const violation = result.status === 'failed' ? result.counterexample.violations.find((v) => v.invariant === 'client-keys-eventually-answered') : undefined;
    expect(violation?.message).toMatch(/seq \d+ \(merchant-client, Idempotency-Key [0-9a-f-]+\) was still answered 409/);
  }, 120_000);
});
