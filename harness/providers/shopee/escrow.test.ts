import { describe, expect, it } from 'vitest';
import { escrowMinor, rmToMinor } from './escrow.ts';

describe('shopee rmToMinor', () => {
  it.each([
    [95.12, 9512],
    [100.5, 10050],
    [1299.9, 129990],
    [0.1 + 0.2, 30],
    [0, 0],
  ])('%d RM is %d sen', (rm, sen) => {
    expect(rmToMinor(rm)).toBe(sen);
  });

  it.each([[12.345], ['95.12'], [Number.NaN], [Infinity], [null]])('rejects %j', (value) => {
    expect(rmToMinor(value)).toBeUndefined();
  });
});

describe('shopee escrowMinor', () => {
  it('reads escrow, buyer total and the fees Shopee kept, in sen', () => {
    expect(
      escrowMinor({
        order_sn: 'X',
        order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5, commission_fee: 3.02 },
      }),
    ).toEqual({ escrowMinor: 9512, buyerTotalMinor: 10050, feesMinor: 538 });
  });

  it('is undefined without order_income or with a missing amount', () => {
    expect(escrowMinor({ order_sn: 'X' })).toBeUndefined();
    expect(escrowMinor({ order_income: { escrow_amount: 1 } })).toBeUndefined();
    expect(escrowMinor(undefined)).toBeUndefined();
  });
});
