/**
 * The crash-restart fault against the reference service: with its `idempotency-key-lock-expiry`
 * guard deleted (a copy of its source, started as a child process), a client key whose request
 * died with the process answers 409 for good, and the charge is never booked — reported as broken
 * invariants with a shrunk schedule that kills the target at its PSP call, never as a target crash.
 * On a target that cannot be killed (in-process), the scenario is errored before anything is sent.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../idemgate.config.ts';
import { brokenInvariants, runWithoutGuard } from '../mutate/without-guard.ts';
import { formatResult } from '../report/console.ts';
import { loadScenarioTape, runScenario } from '../runner/run-scenario.ts';
import { openSession } from '../runner/session.ts';
import { merchantCrash } from '../../scenarios/merchant-crash.scenario.ts';

const root = resolve(import.meta.dirname, '../..');

describe('crashRestart against the reference service', () => {
  it('kills the idempotency-key-lock-expiry guard, shrinking to a kill at the PSP call', async () => {
    // The client's retry gets its 409 at once instead of after waiting 4 s: the same verdict, sooner.
    const result = await runWithoutGuard({ config, rootDir: root, guard: 'idempotency-key-lock-expiry', scenario: merchantCrash, runs: 8, seed: 2026, databaseUrl: null, env: { IDEMPOTENCY_WAIT_MS: '0' } });
    const printed = formatResult(result).join('\n');
    console.log(printed);

    expect(result.status, printed).toBe('failed');
    if (result.status !== 'failed') return;
    expect(brokenInvariants(result)).toContain('exactly-once-effect');
    expect(result.counterexample.draw.edits).toEqual([expect.objectContaining({ kind: 'crash-restart', when: 'upstream-call', redeliverAfter: 0 })]);
    expect(result.counterexample.steps.join('\n')).toContain('[target killed (SIGKILL) at its upstream call, restarted; next delivery ≥ 5.5 s later]');
    // The killed delivery is an injected abort; the retries after it were answered 409 (the key never freed).
    expect(result.counterexample.deliveries.some((d) => d.error?.includes('injected crash-restart') === true)).toBe(true);
    expect(result.counterexample.deliveries.some((d) => d.status === 409)).toBe(true);
  }, 300_000);

  it('is errored (FAULT_INVALID) on an in-process target, before any schedule runs', async () => {
    const inProcess = { ...config, target: { ...config.target, crashStart: undefined } };
    const session = await openSession({ config: inProcess, rootDir: root, tapes: [await loadScenarioTape(merchantCrash, root)], databaseUrl: null });
    try {
      const result = await runScenario(session, merchantCrash, { runs: 2, seed: 1 });
      expect(result).toMatchObject({ status: 'errored', schedules: 0, error: { code: 'FAULT_INVALID' } });
      if (result.status === 'errored') expect(result.error.message).toContain("this config's target (kind 'in-process') starts it in this process");
    } finally {
      await session.close();
    }
  }, 60_000);
});
