import { describe, expect, it } from 'vitest';
import { violationsOf } from './_testing/violations.ts';
import { judge } from './index.ts';
import { noEffectFromUnsettled } from './no-effect-from-unsettled.ts';
import { contextFor, failedEvent, ledgerKinds, paymentEvent, received, useTestLedgerDb } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

const events = () => [
  paymentEvent('pi_ok', 1500),
  failedEvent('pi_failed'),
  failedEvent('pi_retried'),
  paymentEvent('pi_retried', 700),
];

describe.each(ledgerKinds)('noEffectFromUnsettled over $name', (kind) => {
  it('holds when only expected references move cash', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_ok', 1500),
      ...received('T2', 'pi_retried', 700),
      // a failed payment may leave non-cash rows (e.g. a memo posting)
      ['T3', 'suspense', 5, 'MYR', 'pi_failed'],
      ['T3', 'sales', -5, 'MYR', 'pi_failed'],
    ]);
    expect(await violationsOf(noEffectFromUnsettled, await contextFor(testDb(), kind, { events: events() }))).toEqual([]);
  });

  it('judges the references that must not move cash and those cash moved under; nothing on an empty ledger with none', async () => {
    expect((await judge(noEffectFromUnsettled, await contextFor(testDb(), kind, { events: [] }))).judged).toBe(0);
    // pi_failed only: pi_retried was paid in the end.
    expect((await judge(noEffectFromUnsettled, await contextFor(testDb(), kind, { events: events() }))).judged).toBe(1);
    await kind.insert(testDb(), [...received('T1', 'pi_ok', 1500)]);
    expect((await judge(noEffectFromUnsettled, await contextFor(testDb(), kind, { events: [paymentEvent('pi_ok', 1500)] }))).judged).toBe(1);
  });

  it('names a failed reference that moved cash', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_ok', 1500),
      ...received('T2', 'pi_retried', 700),
      ...received('T3', 'pi_failed', 900),
    ]);

    const violations = await violationsOf(noEffectFromUnsettled, await contextFor(testDb(), kind, { events: events() }));

    expect(violations.map((v) => v.message)).toEqual([
      'reference pi_failed was failed or pending but has 1 cash-account row(s) in 1 transaction(s), net 900',
    ]);
    expect(violations[0]!.evidence).toEqual([
      { txn_id: 'T3', account: 'bank', amount_minor: '900', currency: 'MYR', reference: 'pi_failed' },
    ]);
  });

  it('flags cash moved under a reference no event expects, and under no reference, as an effect from nowhere', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_ok', 1500),
      ...received('T2', 'pi_ghost', 300, 'psp_clearing'),
      ['T3', 'bank', -50, 'MYR', ''],
      ['T3', 'fees', 50, 'MYR', ''],
    ]);

    const violations = await violationsOf(noEffectFromUnsettled, 
      await contextFor(testDb(), kind, { events: [paymentEvent('pi_ok', 1500)] }),
    );

    expect(violations.map((v) => v.message)).toEqual([
      'effect from nowhere: 1 cash-account row(s) (net -50) under an empty reference, which no delivered event expects',
      'effect from nowhere: 1 cash-account row(s) (net 300) under reference pi_ghost, which no delivered event expects',
    ]);
  });

  it('takes a zero-amount cash row (a trial invoice posted at 0) as no movement, under any reference', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_ok', 1500),
      // A $0 trial invoice journaled for the record, and a failed payment's 0 memo on a cash account.
      ['T2', 'bank', 0, 'MYR', 'in_trial'],
      ['T2', 'sales', 0, 'MYR', 'in_trial'],
      ['T3', 'bank', 0, 'MYR', 'pi_failed'],
    ]);
    expect(await violationsOf(noEffectFromUnsettled, await contextFor(testDb(), kind, { events: events() }))).toEqual([]);
  });
});

