/**
 * The fpx-pending scenario catches a service that credits a pending FPX payment. The reference
 * service's own rule (`fpx-pending-not-credited`: only `00` credits) is replaced, in a temporary
 * copy run as a child process, by the mistake real services make: everything that is not a
 * failure credits, so `09` and `99` do. On the bundled fpx.jsonl every pending payment is later
 * approved for the same amount, so that service ends with the right ledger; on fpx-pending.jsonl
 * some pending payments are never approved, and the money they were credited is caught.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../../idemgate.config.ts';
import { fpxPending } from '../../../scenarios/fpx-pending.scenario.ts';
import { brokenInvariants, runWithoutGuard } from '../../mutate/without-guard.ts';

const root = new URL('../../..', import.meta.url).pathname;
const GUARD = "    if (debitAuthCode !== '00') return APPLIED;";
const CREDITS_PENDING = "    if (status === 'failed') return APPLIED;";

/** The copy credits pending (09/99) ACs and still refuses failed ones. */
async function creditPending(copyDir: string): Promise<void> {
  const file = join(copyDir, 'src/handlers/fpx.ts');
  const source = await readFile(file, 'utf8');
  if (!source.includes(GUARD)) throw new Error(`${file} no longer has the line this test replaces: ${GUARD}`);
  await writeFile(file, source.replace(GUARD, CREDITS_PENDING), 'utf8');
}

const run = (edit?: (dir: string) => Promise<void>) =>
  runWithoutGuard({ config, rootDir: root, guard: undefined, scenario: fpxPending, runs: 10, seed: 5, databaseUrl: null, ...(edit ? { edit } : {}) });

describe('fpx-pending against the reference service as a child process', () => {
  it('passes with every guard in place', async () => {
    const result = await run();
    expect(result.status, JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result)).toBe('passed');
  }, 120_000);

  it('fails a copy that credits pending payments, naming the money no approval brought', async () => {
    const result = await run(creditPending);
    expect(result.status).toBe('failed');
    expect(brokenInvariants(result)).toContain('no-effect-from-unsettled');
  }, 120_000);
});
