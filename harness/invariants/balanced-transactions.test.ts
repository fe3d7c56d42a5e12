import { describe, expect, it } from 'vitest';
import { violationsOf } from './_testing/violations.ts';
import { judge } from './index.ts';
import { balancedTransactions } from './balanced-transactions.ts';
import { contextFor, ledgerKinds, received, useTestLedgerDb } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

describe.each(ledgerKinds)('balancedTransactions over $name', (kind) => {
  it('holds when every transaction sums to zero per currency', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_1', 1500),
      ...received('T2', 'pi_2', 800, 'bank', 'USD'),
      // one transaction in two currencies, each balanced
      ['T3', 'bank', 100, 'MYR', 'fx_1'],
      ['T3', 'fx', -100, 'MYR', 'fx_1'],
      ['T3', 'fx', 25, 'USD', 'fx_1'],
      ['T3', 'bank_usd', -25, 'USD', 'fx_1'],
    ]);
    expect(await violationsOf(balancedTransactions, await contextFor(testDb(), kind))).toEqual([]);
  });

  it('judges each transaction per currency, and nothing on an empty ledger or with no ledger mapping', async () => {
    const ctx = await contextFor(testDb(), kind);
    expect(await judge(balancedTransactions, ctx)).toEqual({ judged: 0, violations: [] });
    expect(await judge(balancedTransactions, { ...ctx, ledger: undefined })).toEqual({ judged: 0, violations: [] });
    await kind.insert(testDb(), [...received('T1', 'pi_1', 1500), ...received('T2', 'pi_2', 800, 'bank', 'USD')]);
    expect(await judge(balancedTransactions, ctx)).toEqual({ judged: 2, violations: [] });
  });

  it('names the unbalanced transaction, its imbalance and its reference', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_1', 1500),
      ['T2', 'bank', 9512, 'MYR', 'ORDER42'],
      ['T2', 'sales', -10050, 'MYR', 'ORDER42'],
    ]);

    const violations = await violationsOf(balancedTransactions, await contextFor(testDb(), kind));

    expect(violations).toHaveLength(1);
    expect(violations[0]!.invariant).toBe('balanced-transactions');
    expect(violations[0]!.message).toBe(
      'transaction T2 does not balance in MYR: its postings sum to -538 (reference ORDER42)',
    );
    expect(violations[0]!.evidence).toHaveLength(2);
  });

  it('a transaction balanced in total but not per currency is unbalanced', async () => {
    await kind.insert(testDb(), [
      ['T1', 'bank', 100, 'MYR', 'x'],
      ['T1', 'sales', -100, 'USD', 'x'],
    ]);
    const violations = await violationsOf(balancedTransactions, await contextFor(testDb(), kind));
    expect(violations.map((v) => v.message)).toEqual([
      'transaction T1 does not balance in MYR: its postings sum to 100 (reference x)',
      'transaction T1 does not balance in USD: its postings sum to -100 (reference x)',
    ]);
  });

  it('lists at most 50 violations and says how many more there are', async () => {
    const postings = Array.from(
      { length: 53 },
      (_, i) => [`T${String(i).padStart(3, '0')}`, 'bank', 1, 'MYR', `r${i}`] as const,
    );
    await kind.insert(testDb(), postings);
    const violations = await violationsOf(balancedTransactions, await contextFor(testDb(), kind));
    expect(violations).toHaveLength(51);
    expect(violations[50]!.message).toBe('… and 3 more unbalanced transactions (not listed)');
  });
});
