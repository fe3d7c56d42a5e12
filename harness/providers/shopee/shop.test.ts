import { describe, expect, it } from 'vitest';
import { tapeOf } from '../_internals/test-tape.ts';
import { shopeeShopOf } from './shop.ts';

const shopWith = (shopee: Record<string, unknown> | undefined) =>
  shopeeShopOf(tapeOf('shopee', '/webhooks/shopee', ['{}'], shopee === undefined ? {} : { upstream: { shopee } }));

describe('shopeeShopOf', () => {
  it('is the Malaysian shop when the tape names neither region nor currency', () => {
    expect(shopWith(undefined)).toEqual({ region: 'MY', currency: 'MYR' });
    expect(shopWith({ escrow: {} })).toEqual({ region: 'MY', currency: 'MYR' });
  });

  it('takes the currency from the region, the region from the currency, or both as given', () => {
    expect(shopWith({ region: 'VN' })).toEqual({ region: 'VN', currency: 'VND' });
    expect(shopWith({ currency: 'thb' })).toEqual({ region: 'TH', currency: 'THB' });
    expect(shopWith({ region: 'SG', currency: 'USD' })).toEqual({ region: 'SG', currency: 'USD' });
  });
});
