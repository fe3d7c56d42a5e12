/**
 * The fpx-enquiry scenario finds what the reference service's guards protect on the AE status
 * enquiry path: each guard region is deleted (with the mutation tool's region finder) in a
 * temporary copy of the service, the copy runs as a child process, and the run must fail naming
 * the right invariant. With every guard in place it passes; without the enquiry job the
 * payments only FPX's AE answer approves are never credited.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../../idemgate.config.ts';
import { fpxEnquiry } from '../../../scenarios/fpx-enquiry.scenario.ts';
import { brokenInvariants, runWithoutGuard } from '../../mutate/without-guard.ts';
import { defineScenario } from '../../index.ts';
import { loadScenarioTape } from '../../runner/run-scenario.ts';
import type { Scenario } from '../../runner/scenario.ts';
import { fpxEnquiryAnswers } from './enquiry.ts';

const root = new URL('../../..', import.meta.url).pathname;

const runAgainst = (guard: string | undefined, scenario: Scenario, runs: number, edit?: (dir: string) => Promise<void>) =>
  runWithoutGuard({ config, rootDir: root, guard, scenario, runs, seed: 11, databaseUrl: null, ...(edit ? { edit } : {}) });

/** The tape replayed once in recorded order, no faults: only the enquiry job makes duplicates here. */
const clean = defineScenario({ ...fpxEnquiry, name: 'fpx-enquiry-clean', faults: [], runs: 1 });

describe('fpx-enquiry against the reference service as a child process', () => {
  it('passes with every guard in place', async () => {
    const result = await runAgainst(undefined, fpxEnquiry, 10);
    expect(result.status, JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result)).toBe('passed');
  }, 90_000);

  it('without fpx-ac-dedupe, the AE answer and the late 00 Direct AC both credit, even in a clean replay', async () => {
    const result = await runAgainst('fpx-ac-dedupe', clean, 1);
    expect(result.status).toBe('failed');
    if (result.status !== 'failed') return;
    // Every doubled credit is a payment whose 00 came both as the AE answer and as a late Direct AC.
    const tape = await loadScenarioTape(clean, root);
    const answers = fpxEnquiryAnswers(tape);
    const lateDirect = new Set(
      tape.exchanges.filter((x) => x.provider === 'fpx' && x.body.includes('fpx_debitAuthCode=00')).map((x) => new URLSearchParams(x.body).get('fpx_fpxTxnId')),
    );
    const doubled = result.counterexample.violations.filter((v) => v.invariant === 'exactly-once-effect' && /duplicated/.test(v.message));
    expect(doubled.length).toBeGreaterThan(0);
    const pendingFirst = new Set(
      tape.exchanges.filter((x) => x.body.includes('fpx_debitAuthCode=09')).map((x) => new URLSearchParams(x.body).get('fpx_fpxTxnId')),
    );
    for (const v of doubled) {
      const txnId = /reference (\S+)/.exec(v.message)![1]!;
      expect(lateDirect.has(txnId) && pendingFirst.has(txnId), v.message).toBe(true);
    }
    expect(Object.values(answers).some((a) => a['fpx_debitAuthCode'] === '00')).toBe(true);
  }, 90_000);

  it('without fpx-pending-not-credited, a 09 that FPX later fails (or still holds) is credited', async () => {
    const result = await runAgainst('fpx-pending-not-credited', clean, 1);
    expect(brokenInvariants(result)).toContain('no-effect-from-unsettled');
  }, 90_000);

  it('without the enquiry job, payments only the AE answer approves are never credited', async () => {
    const result = await runAgainst(undefined, clean, 1, async (d) => {
      const file = join(d, 'src/handlers/fpx-enquiry.ts');
      const text = await readFile(file, 'utf8');
      // The job still answers 200 but enquires nothing.
      await writeFile(file, text.replace("const pending = await db", 'const pending: { subject: Subject }[] = [];\n  void db'));
    });
    const broken = brokenInvariants(result);
    expect(broken).toContain('exactly-once-effect');
    expect(broken).toContain('final-status');
  }, 90_000);
});
