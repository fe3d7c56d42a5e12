import { describe, expect, it } from 'vitest';
import { violationsOf } from './_testing/violations.ts';
import { exactlyOnceEffect } from './exactly-once-effect.ts';
import { contextFor, failedEvent, ledgerKinds, paymentEvent, received, refunded, useTestLedgerDb } from './_testing/ledgers.ts';
import { judge } from './index.ts';

const testDb = useTestLedgerDb();

const events = () => [paymentEvent('pi_1', 1500), paymentEvent('ORDER42', 9512), paymentEvent('re_1', 400, 'out')];

describe.each(ledgerKinds)('exactlyOnceEffect over $name', (kind) => {
  it('holds when each expected effect is one transaction on a cash account', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_1', 1500, 'psp_clearing'),
      // several cash rows in ONE transaction still count once
      ['T2', 'bank', 9000, 'MYR', 'ORDER42'],
      ['T2', 'bank', 512, 'MYR', 'ORDER42'],
      ['T2', 'sales', -9512, 'MYR', 'ORDER42'],
      ...refunded('T3', 're_1', 400),
      // a non-cash transaction under the same reference does not count
      ['T4', 'sales', 10, 'MYR', 'pi_1'],
      ['T4', 'fees', -10, 'MYR', 'pi_1'],
      // nor does a transfer between two cash accounts (the clearing account settled into the bank)
      ['T5', 'bank', 1500, 'MYR', 'pi_1'],
      ['T5', 'psp_clearing', -1500, 'MYR', 'pi_1'],
    ]);
    expect(await violationsOf(exactlyOnceEffect, await contextFor(testDb(), kind, { events: events() }))).toEqual([]);
  });

  it('judges each expected effect, and nothing when no delivered event expects one', async () => {
    await kind.insert(testDb(), [...received('T1', 'pi_1', 1500, 'psp_clearing')]);
    expect((await judge(exactlyOnceEffect, await contextFor(testDb(), kind, { events: [] }))).judged).toBe(0);
    expect((await judge(exactlyOnceEffect, await contextFor(testDb(), kind, { events: [failedEvent('pi_9')] }))).judged).toBe(0);
    expect((await judge(exactlyOnceEffect, await contextFor(testDb(), kind, { events: events() }))).judged).toBe(3);
  });

  it('names a duplicated reference and how many transactions booked it', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_1', 1500, 'psp_clearing'),
      ...received('T2', 'ORDER42', 9512),
      ...received('T2-dup', 'ORDER42', 9512),
      ...refunded('T3', 're_1', 400),
    ]);

    const violations = await violationsOf(exactlyOnceEffect, await contextFor(testDb(), kind, { events: events() }));

    expect(violations.map((v) => v.message)).toEqual([
      'effect for reference ORDER42 is duplicated: 2 transactions move cash, expected 1',
    ]);
    expect(violations[0]!.evidence[0]).toMatchObject({ expected: 'effect', reference: 'ORDER42', amountMinor: 9512 });
    expect(violations[0]!.evidence.slice(1).map((r) => r.txn_id)).toEqual(['T2', 'T2', 'T2-dup', 'T2-dup']);
  });

  it('allows a reference sent again after its idempotency key expired one more booking per such request, and no more', async () => {
    await kind.insert(testDb(), [...received('T1', 'pi_1', 1500), ...received('T2', 'pi_1', 1500), ...received('T3', 'ORDER42', 9512), ...received('T4', 'ORDER42', 9512)]);
    const ctx = await contextFor(testDb(), kind, { events: events().slice(0, 2) });
    const rebooked = { ...ctx, expected: { ...ctx.expected, rebookable: new Map([['pi_1', 1]]) } };

    const violations = await violationsOf(exactlyOnceEffect, rebooked);

    expect(violations.map((v) => v.message)).toEqual(['effect for reference ORDER42 is duplicated: 2 transactions move cash, expected 1']);
  });

  it('takes a cumulative effect booked as several deltas, but not as none', async () => {
    const deltas = { ...paymentEvent('ch_1', 8000, 'out'), effect: { reference: 'ch_1', amountMinor: 8000, currency: 'MYR', direction: 'out' as const, cumulative: true as const } };
    await kind.insert(testDb(), [...refunded('T1', 'ch_1', 5000), ...refunded('T2', 'ch_1', 3000)]);
    expect(await violationsOf(exactlyOnceEffect, await contextFor(testDb(), kind, { events: [deltas] }))).toEqual([]);
    const missing = await violationsOf(exactlyOnceEffect, await contextFor(testDb(), kind, { events: [{ ...deltas, effect: { ...deltas.effect, reference: 'ch_2' } }] }));
    expect(missing.map((v) => v.message)).toEqual(['effect for reference ch_2 is missing: no transaction moves cash on (bank, psp_clearing)']);
  });

  it('names a missing reference, even when only non-cash rows carry it', async () => {
    await kind.insert(testDb(), [
      ...received('T1', 'pi_1', 1500, 'psp_clearing'),
      ['T2', 'receivable', 9512, 'MYR', 'ORDER42'],
      ['T2', 'sales', -9512, 'MYR', 'ORDER42'],
    ]);

    const violations = await violationsOf(exactlyOnceEffect, await contextFor(testDb(), kind, { events: events() }));

    expect(violations.map((v) => v.message)).toEqual([
      'effect for reference ORDER42 is missing: no transaction moves cash on (bank, psp_clearing)',
      'effect for reference re_1 is missing: no transaction moves cash on (bank, psp_clearing)',
    ]);
  });
});
