/**
 * The fpx-enquiry scenario finds what the reference service's guards protect on the AE status
 * enquiry path: each guard region is deleted (with the mutation tool's region finder) in a
 * temporary copy of the service, the copy runs as a child process, and the run must fail naming
 * the right invariant. With every guard in place it passes; without the enquiry job the
 * payments only FPX's AE answer approves are never credited.
 */
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config, { childProcess } from '../../../idemgate.config.ts';
import { fpxEnquiry } from '../../../scenarios/fpx-enquiry.scenario.ts';
import { deleteRegions, findRegions } from '../../mutate/regions.ts';
import { defineScenario, openSession, runScenario } from '../../index.ts';
import { loadScenarioTape } from '../../runner/run-scenario.ts';
import type { Scenario } from '../../runner/scenario.ts';
import { fpxEnquiryAnswers } from './enquiry.ts';

const root = new URL('../../..', import.meta.url).pathname;
const made: string[] = [];

/** Deletes every region named `guard` under dir (TypeScript and SQL); returns how many. */
async function deleteGuard(dir: string, guard: string): Promise<number> {
  let removed = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|sql)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    const text = await readFile(file, 'utf8');
    const regions = findRegions(text, relative(dir, file)).filter((r) => r.name === guard);
    if (regions.length === 0) continue;
    await writeFile(file, deleteRegions(text, regions));
    removed += regions.length;
  }
  return removed;
}

/** A copy of the service, its parent holding a node_modules link; `change` edits the copy. */
async function copy(change?: (dir: string) => Promise<void>): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'idemgate-fpx-enquiry-'));
  made.push(parent);
  await symlink(join(root, 'node_modules'), join(parent, 'node_modules'));
  const dir = join(parent, 'merchant-service');
  await cp(join(root, 'fixtures/merchant-service'), dir, { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  await change?.(dir);
  return dir;
}

const withoutGuard = (guard: string) =>
  copy(async (dir) => {
    expect(await deleteGuard(dir, guard)).toBeGreaterThan(0);
  });

async function runAgainst(dir: string, scenario: Scenario, runs: number) {
  const session = await openSession({
    config: { ...config, target: { ...config.target, start: childProcess(dir) }, database: { ...config.database, migrate: undefined } },
    rootDir: root,
    tapes: [await loadScenarioTape(scenario, root)],
    databaseUrl: null,
  });
  try {
    return await runScenario(session, scenario, { runs, seed: 11 });
  } finally {
    await session.close();
  }
}

/** The tape replayed once in recorded order, no faults: only the enquiry job makes duplicates here. */
const clean = defineScenario({ ...fpxEnquiry, name: 'fpx-enquiry-clean', faults: [], runs: 1 });

const brokenInvariants = (result: Awaited<ReturnType<typeof runAgainst>>) =>
  result.status === 'failed' ? [...new Set(result.counterexample.violations.map((v) => v.invariant))] : [];

afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

describe('fpx-enquiry against the reference service as a child process', () => {
  it('passes with every guard in place', async () => {
    const result = await runAgainst(await copy(), fpxEnquiry, 10);
    expect(result.status, JSON.stringify(result.status === 'failed' ? result.counterexample.violations.slice(0, 3) : result)).toBe('passed');
  }, 90_000);

  it('without fpx-ac-dedupe, the AE answer and the late 00 Direct AC both credit, even in a clean replay', async () => {
    const result = await runAgainst(await withoutGuard('fpx-ac-dedupe'), clean, 1);
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
    const result = await runAgainst(await withoutGuard('fpx-pending-not-credited'), clean, 1);
    expect(brokenInvariants(result)).toContain('no-effect-from-unsettled');
  }, 90_000);

  it('without the enquiry job, payments only the AE answer approves are never credited', async () => {
    const dir = await copy(async (d) => {
      const file = join(d, 'src/handlers/fpx-enquiry.ts');
      const text = await readFile(file, 'utf8');
      // The job still answers 200 but enquires nothing.
      await writeFile(file, text.replace("const pending = await db", 'const pending: { subject: Subject }[] = [];\n  void db'));
    });
    const result = await runAgainst(dir, clean, 1);
    const broken = brokenInvariants(result);
    expect(broken).toContain('exactly-once-effect');
    expect(broken).toContain('final-status');
  }, 90_000);
});
