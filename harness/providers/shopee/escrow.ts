import { decimalToMinor } from '../currency.ts';
import { isRecord } from '../_internals/exchange.ts';

/**
 * The `response` object of Shopee's `GET /api/v2/payment/get_escrow_detail`, as far as idemgate
 * reads it. Amounts are decimals in the shop's currency, as Shopee sends them (95.12 MYR,
 * 235000 VND).
 */
export interface ShopeeEscrowDetail {
  order_sn: string;
  buyer_user_name?: string;
  return_order_sn_list?: string[];
  order_income: {
    escrow_amount: number;
    buyer_total_amount: number;
    commission_fee?: number;
    service_fee?: number;
    seller_transaction_fee?: number;
    /** Shopee-funded: paid to the seller on top of what the buyer paid. */
    voucher_from_shopee?: number;
    coins?: number;
    shopee_discount?: number;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** What the escrow detail means for the books, in the currency's minor units. */
export interface EscrowMinor {
  escrowMinor: number;
  buyerTotalMinor: number;
  /** Commission, service and transaction fees: what Shopee kept. */
  feesMinor: number;
  /**
   * Shopee-funded vouchers, coins and discounts: what Shopee added. Escrow = buyer total − fees +
   * this, so buyer total − escrow is the fee total only when it is 0.
   */
  shopeeFundedMinor: number;
}

const FEES = ['commission_fee', 'service_fee', 'seller_transaction_fee'] as const;
const SHOPEE_FUNDED = ['voucher_from_shopee', 'coins', 'shopee_discount'] as const;

/**
 * A Shopee amount (a decimal in the shop's currency) → integer minor units of that currency
 * (ISO 4217: 95.12 MYR → 9512, 235000 VND → 235000). Undefined when it is not an amount with at
 * most the currency's decimals.
 */
export const shopeeAmountToMinor = (amount: unknown, currency: string): number | undefined =>
  decimalToMinor(amount, currency);

/**
 * Reads escrow, buyer total, fees and Shopee-funded amounts (minor units of `currency`) from an
 * escrow detail `response`; undefined if escrow or buyer total is missing or not an amount in
 * that currency. Fee and Shopee-funded fields that are absent count as 0.
 *
 * @example
 * escrowMinor({ order_sn: 'X', order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5, commission_fee: 5.38 } }, 'MYR');
 * // { escrowMinor: 9512, buyerTotalMinor: 10050, feesMinor: 538, shopeeFundedMinor: 0 }
 */
export function escrowMinor(detail: unknown, currency: string): EscrowMinor | undefined {
  if (!isRecord(detail)) return undefined;
  const income = detail['order_income'];
  if (!isRecord(income)) return undefined;
  const escrow = shopeeAmountToMinor(income['escrow_amount'], currency);
  const buyerTotal = shopeeAmountToMinor(income['buyer_total_amount'], currency);
  if (escrow === undefined || buyerTotal === undefined) return undefined;
  const sum = (fields: readonly string[]) =>
    fields.reduce((total, field) => total + (shopeeAmountToMinor(income[field] ?? 0, currency) ?? 0), 0);
  return { escrowMinor: escrow, buyerTotalMinor: buyerTotal, feesMinor: sum(FEES), shopeeFundedMinor: sum(SHOPEE_FUNDED) };
}
