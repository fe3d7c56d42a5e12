/**
 * The `response` object of Shopee's `GET /api/v2/payment/get_escrow_detail`, as far as idemgate
 * reads it. Amounts are RM decimals with two places, as Shopee sends them.
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
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** What the escrow detail means for the books, in sen. */
export interface EscrowMinor {
  escrowMinor: number;
  buyerTotalMinor: number;
  /** buyer_total_amount − escrow_amount: what Shopee kept (commission, service and transaction fees). */
  feesMinor: number;
}

/**
 * An RM decimal as Shopee sends it (95.12) → integer sen (9512). Returns undefined for anything
 * that is not a finite number with at most two decimal places.
 */
export function rmToMinor(rm: unknown): number | undefined {
  if (typeof rm !== 'number' || !Number.isFinite(rm)) return undefined;
  const minor = Math.round(rm * 100);
  return Math.abs(minor - rm * 100) < 1e-6 ? minor : undefined;
}

/**
 * Reads escrow and buyer total (sen) from an escrow detail `response`; undefined if either is
 * missing or not an RM amount.
 *
 * @example
 * escrowMinor({ order_sn: 'X', order_income: { escrow_amount: 95.12, buyer_total_amount: 100.5 } });
 * // { escrowMinor: 9512, buyerTotalMinor: 10050, feesMinor: 538 }
 */
export function escrowMinor(detail: unknown): EscrowMinor | undefined {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const income = (detail as { order_income?: unknown }).order_income;
  if (typeof income !== 'object' || income === null) return undefined;
  const escrow = rmToMinor((income as Record<string, unknown>)['escrow_amount']);
  const buyerTotal = rmToMinor((income as Record<string, unknown>)['buyer_total_amount']);
  if (escrow === undefined || buyerTotal === undefined) return undefined;
  return { escrowMinor: escrow, buyerTotalMinor: buyerTotal, feesMinor: buyerTotal - escrow };
}
