import type { Tape } from '../../tape/schema.ts';
import { isRecord } from '../_internals/exchange.ts';

/** The currency of a Shopee shop per region (a shop sells in its region's currency). */
export const SHOPEE_REGION_CURRENCY: Readonly<Record<string, string>> = Object.freeze({
  MY: 'MYR',
  SG: 'SGD',
  TH: 'THB',
  VN: 'VND',
  ID: 'IDR',
  PH: 'PHP',
  TW: 'TWD',
  BR: 'BRL',
  MX: 'MXN',
  CO: 'COP',
  CL: 'CLP',
});

export interface ShopeeShop {
  region: string;
  currency: string;
}

/**
 * The recorded shop's region and currency: `header.upstream.shopee.region` / `.currency` (what
 * get_order_detail answered while recording). Either gives the other; neither is the Malaysian
 * shop the bundled tapes record (MY, MYR).
 *
 * @example
 * shopeeShopOf(tape); // { region: 'VN', currency: 'VND' }
 */
export function shopeeShopOf(tape: Pick<Tape, 'header'> | undefined): ShopeeShop {
  const shopee = tape?.header.upstream?.['shopee'];
  const given = (key: string): string | undefined => {
    const value = isRecord(shopee) ? shopee[key] : undefined;
    return typeof value === 'string' && value !== '' ? value.toUpperCase() : undefined;
  };
  const region = given('region');
  const currency = given('currency') ?? (region === undefined ? undefined : SHOPEE_REGION_CURRENCY[region]);
  if (currency === undefined) return { region: region ?? 'MY', currency: 'MYR' };
  const regionOfCurrency = Object.keys(SHOPEE_REGION_CURRENCY).find((r) => SHOPEE_REGION_CURRENCY[r] === currency);
  return { region: region ?? regionOfCurrency ?? '', currency };
}
