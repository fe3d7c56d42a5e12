import { describe, expect, it } from 'vitest';
import { violationsOf } from './_testing/violations.ts';
import { createLedgerReader } from './ledger-reader.ts';
import { cleanReplayDiffRows, ledgerMatchesCleanReplay } from './ledger-matches-clean-replay.ts';
import { contextFor, ledgerKinds, received, refunded, resetTestSchemas, useTestLedgerDb } from './_testing/ledgers.ts';
import type { LedgerKind, Posting } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

const clean: Posting[] = [
  ...received('T1', 'pi_1', 1500),
  ...received('T2', 'ORDER42', 9512),
  ...refunded('T3', 're_1', 400),
];

/** The baseline as the runner takes it: rows() after a clean replay. */
async function baselineOf(kind: LedgerKind, postings: Posting[]) {
  await kind.insert(testDb(), postings);
  const rows = await (await createLedgerReader(testDb(), kind.mapping)).rows();
  await resetTestSchemas.reset(testDb());
  return rows;
}

describe.each(ledgerKinds)('ledgerMatchesCleanReplay over $name', (kind) => {
  it('holds for the same postings under other transaction ids and in another order', async () => {
    const baseline = await baselineOf(kind, clean);
    await kind.insert(testDb(), [
      ...refunded('X9', 're_1', 400),
      ...received('X7', 'ORDER42', 9512),
      ...received('X8', 'pi_1', 1500),
    ]);
    expect(await violationsOf(ledgerMatchesCleanReplay, await contextFor(testDb(), kind, { baseline }))).toEqual([]);
  });

  it('names the reference whose postings differ, with counts per side', async () => {
    const baseline = await baselineOf(kind, clean);
    await kind.insert(testDb(), [...clean, ...received('T2b', 'ORDER42', 9512)]);

    const violations = await violationsOf(ledgerMatchesCleanReplay, await contextFor(testDb(), kind, { baseline }));

    expect(violations.map((v) => v.message)).toEqual([
      'ledger differs from the clean replay for reference ORDER42: 2 posting(s) only in actual, 0 only in the clean replay',
    ]);
    expect(violations[0]!.evidence).toEqual([
      {
        side: 'only in actual',
        count: 1,
        account: 'bank',
        amount_minor: '9512',
        currency: 'MYR',
        reference: 'ORDER42',
      },
      {
        side: 'only in actual',
        count: 1,
        account: 'sales',
        amount_minor: '-9512',
        currency: 'MYR',
        reference: 'ORDER42',
      },
    ]);
    expect(cleanReplayDiffRows(violations)).toEqual(violations[0]!.evidence);
  });

  it('reports postings missing from the actual ledger and changed amounts', async () => {
    const baseline = await baselineOf(kind, clean);
    await kind.insert(testDb(), [...received('T1', 'pi_1', 1500), ...received('T2', 'ORDER42', 10050)]);

    const violations = await violationsOf(ledgerMatchesCleanReplay, await contextFor(testDb(), kind, { baseline }));

    expect(violations.map((v) => v.message)).toEqual([
      'ledger differs from the clean replay for reference ORDER42: 2 posting(s) only in actual, 2 only in the clean replay',
      'ledger differs from the clean replay for reference re_1: 0 posting(s) only in actual, 2 only in the clean replay',
    ]);
  });

  it('returns nothing without a baseline', async () => {
    await kind.insert(testDb(), clean);
    expect(await violationsOf(ledgerMatchesCleanReplay, await contextFor(testDb(), kind))).toEqual([]);
  });
});
