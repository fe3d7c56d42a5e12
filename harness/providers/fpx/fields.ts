/** Direct/Indirect AC form fields, in the order FPX's merchant integration specification lists them. */
export const FPX_AC_FIELDS = [
  'fpx_msgType',
  'fpx_msgToken',
  'fpx_fpxTxnId',
  'fpx_sellerExId',
  'fpx_sellerExOrderNo',
  'fpx_fpxTxnTime',
  'fpx_sellerTxnTime',
  'fpx_sellerOrderNo',
  'fpx_sellerId',
  'fpx_txnCurrency',
  'fpx_txnAmount',
  'fpx_buyerBankId',
  'fpx_buyerBankBranch',
  'fpx_buyerName',
  'fpx_buyerId',
  'fpx_makerName',
  'fpx_buyerIban',
  'fpx_debitAuthCode',
  'fpx_debitAuthNo',
  'fpx_creditAuthCode',
  'fpx_creditAuthNo',
  'fpx_checkSum',
] as const;

export type FpxAcField = (typeof FPX_AC_FIELDS)[number];
/** A complete AC message, every value a string (empty values kept). */
export type FpxAcMessage = Record<FpxAcField, string>;

/**
 * The 21 values an AC checksum covers, in signing order (checked against a Direct AC signed by
 * FPX's UAT certificate). Empty values stay as empty segments.
 */
export const FPX_AC_CHECKSUM_FIELDS = [
  'fpx_buyerBankBranch',
  'fpx_buyerBankId',
  'fpx_buyerIban',
  'fpx_buyerId',
  'fpx_buyerName',
  'fpx_creditAuthCode',
  'fpx_creditAuthNo',
  'fpx_debitAuthCode',
  'fpx_debitAuthNo',
  'fpx_fpxTxnId',
  'fpx_fpxTxnTime',
  'fpx_makerName',
  'fpx_msgToken',
  'fpx_msgType',
  'fpx_sellerExId',
  'fpx_sellerExOrderNo',
  'fpx_sellerId',
  'fpx_sellerOrderNo',
  'fpx_sellerTxnTime',
  'fpx_txnAmount',
  'fpx_txnCurrency',
] as const satisfies readonly FpxAcField[];

/** Debit authorisation codes that mean "not decided yet" (09 pending, 99 pending B2B authorisation). */
export const FPX_PENDING_CODES: readonly string[] = Object.freeze(['09', '99']);
export const FPX_APPROVED_CODE = '00';

/** Normalised status of an AC from its debit auth code: 00 approved, 09/99 pending, else failed. */
export type FpxStatus = 'approved' | 'pending' | 'failed';

export function fpxStatus(debitAuthCode: string): FpxStatus {
  if (debitAuthCode === FPX_APPROVED_CODE) return 'approved';
  return FPX_PENDING_CODES.includes(debitAuthCode) ? 'pending' : 'failed';
}

/** Lifecycle rank for status monotonicity: pending 1, approved and failed (both final) 2. */
export const FPX_STATUS_RANK: Readonly<Record<FpxStatus, number>> = Object.freeze({
  pending: 1,
  approved: 2,
  failed: 2,
});
