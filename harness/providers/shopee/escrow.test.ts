import { describe, expect, it } from 'vitest';
import { escrowMinor, shopeeAmountToMinor } from './escrow.ts';

describe('shopeeAmountToMinor', () => {
  it.each([
    [95.12, 'MYR', 9512],
    [100.5, 'MYR', 10050],
    [1299.9, 'MYR', 129990],
    [0.1 + 0.2, 'MYR', 30],
    [0, 'MYR', 0],
    [235000, 'VND', 235000],
    [12.5, 'SGD', 1250],
  ])('%d %s is %d minor units', (amount, currency, minor) => {
    expect(shopeeAmountToMinor(amount, currency)).toBe(minor);
  });

  it.each([[12.345, 'MYR'], ['95.12x', 'MYR'], [Number.NaN, 'MYR'], [Infinity, 'MYR'], [null, 'MYR'], [235000.5, 'VND']])(
    'rejects %j %s',
    (amount, currency) => {
      expect(shopeeAmountToMinor(amount, currency)).toBeUndefined();
    },
  );
});

describe('shopee escrowMinor', () => {
  it('reads escrow, buyer total and the fees Shopee kept, in sen', () => {
    expect(
      escrowMinor(
        { order_sn: 'X', order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5, commission_fee: 3.02, service_fee: 2.36 } },
        'MYR',
      ),
    ).toEqual({ escrowMinor: 9512, buyerTotalMinor: 10050, feesMinor: 538, shopeeFundedMinor: 0 });
  });

  it('counts Shopee-funded vouchers and coins apart from fees: buyer total − escrow is then not the fee total', () => {
    const amounts = escrowMinor(
      {
        order_sn: 'X',
        order_income: {
          escrow_amount: 97.12,
          buyer_total_amount: 97.5,
          commission_fee: 3.02,
          service_fee: 2.36,
          voucher_from_shopee: 3,
          coins: 2,
        },
      },
      'MYR',
    )!;
    expect(amounts).toEqual({ escrowMinor: 9712, buyerTotalMinor: 9750, feesMinor: 538, shopeeFundedMinor: 500 });
    expect(amounts.buyerTotalMinor - amounts.feesMinor + amounts.shopeeFundedMinor).toBe(amounts.escrowMinor);
    expect(amounts.buyerTotalMinor - amounts.escrowMinor).not.toBe(amounts.feesMinor);
  });

  it('reads a VND escrow in dong', () => {
    expect(escrowMinor({ order_sn: 'X', order_income: { escrow_amount: 235000, buyer_total_amount: 250000 } }, 'VND')).toMatchObject({
      escrowMinor: 235000,
      buyerTotalMinor: 250000,
    });
  });

  it('is undefined without order_income, with a missing amount, or in a currency it cannot be', () => {
    expect(escrowMinor({ order_sn: 'X' }, 'MYR')).toBeUndefined();
    expect(escrowMinor({ order_income: { escrow_amount: 1 } }, 'MYR')).toBeUndefined();
    expect(escrowMinor(undefined, 'MYR')).toBeUndefined();
    expect(escrowMinor({ order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5 } }, 'VND')).toBeUndefined();
  });
});
