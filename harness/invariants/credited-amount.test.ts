import { describe, expect, it } from 'vitest';
import { violationsOf } from './_testing/violations.ts';
import { creditedAmount } from './credited-amount.ts';
import { contextFor, ledgerKinds, paymentEvent, received, refunded, useTestLedgerDb } from './_testing/ledgers.ts';

const testDb = useTestLedgerDb();

describe.each(ledgerKinds)('creditedAmount over $name', (kind) => {
  it('holds when net cash movement is +amount in and -amount out, in the right currency', async () => {
    await kind.insert(testDb(), [
      ['T1', 'bank', 9512, 'MYR', 'ORDER42'],
      ['T1', 'fees', 538, 'MYR', 'ORDER42'],
      ['T1', 'sales', -10050, 'MYR', 'ORDER42'],
      ...refunded('T2', 're_1', 400),
      // a reversal and a re-post net to the same amount across two cash accounts
      ...received('T3', 'pi_1', 1500, 'bank'),
      ...refunded('T4', 'pi_1', 1500, 'bank'),
      ...received('T5', 'pi_1', 1500, 'psp_clearing'),
    ]);
    const events = [paymentEvent('ORDER42', 9512), paymentEvent('re_1', 400, 'out'), paymentEvent('pi_1', 1500)];
    expect(await violationsOf(creditedAmount, await contextFor(testDb(), kind, { events }))).toEqual([]);
  });

  it('takes a reference sent again after its idempotency key expired booked 1 or 1 + n times its amount, nothing else', async () => {
    const events = [paymentEvent('pi_1', 1500), paymentEvent('pi_2', 1500), paymentEvent('pi_3', 1500)];
    await kind.insert(testDb(), [
      ...received('T1', 'pi_1', 1500),
      ...received('T2', 'pi_1', 1500),
      ...received('T3', 'pi_2', 1500),
      ...received('T4', 'pi_3', 1500),
      ...received('T5', 'pi_3', 700),
    ]);
    const ctx = await contextFor(testDb(), kind, { events });
    const rebookable = new Map([['pi_1', 1], ['pi_2', 1], ['pi_3', 1]]);

    const violations = await violationsOf(creditedAmount, { ...ctx, expected: { ...ctx.expected, rebookable } });

    expect(violations.map((v) => v.message)).toEqual([expect.stringContaining('reference pi_3: net cash movement is 2200 MYR, expected 1500')]);
  });

  it('names a reference whose net differs, with the expected amount', async () => {
    await kind.insert(testDb(), [...received('T1', 'ORDER42', 10050), ...refunded('T2', 're_1', 400)]);
    const events = [paymentEvent('ORDER42', 9512), paymentEvent('re_1', 400, 'out')];

    const violations = await violationsOf(creditedAmount, await contextFor(testDb(), kind, { events }));

    expect(violations.map((v) => v.message)).toEqual([
      'reference ORDER42: net cash movement is 10050 MYR, expected 9512',
    ]);
    expect(violations[0]!.evidence).toHaveLength(2);
  });

  it('a refund booked the wrong way round is a mismatch', async () => {
    await kind.insert(testDb(), [...received('T1', 're_1', 400, 'psp_clearing')]);
    const violations = await violationsOf(creditedAmount, 
      await contextFor(testDb(), kind, { events: [paymentEvent('re_1', 400, 'out')] }),
    );
    expect(violations.map((v) => v.message)).toEqual(['reference re_1: net cash movement is 400 MYR, expected -400']);
  });

  it('names a reference posted in the wrong currency', async () => {
    await kind.insert(testDb(), [...received('T1', 'pi_1', 1500, 'bank', 'USD')]);
    const violations = await violationsOf(creditedAmount, 
      await contextFor(testDb(), kind, { events: [paymentEvent('pi_1', 1500)] }),
    );
    expect(violations.map((v) => v.message)).toEqual([
      'reference pi_1: net cash movement is 0 MYR, expected 1500; cash moved in another currency (USD 1500), expected MYR',
    ]);
  });
});
