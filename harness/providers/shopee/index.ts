export { shopeePush, SHOPEE_ORDER_STATUS_PUSH, SHOPEE_TRACKING_NO_PUSH } from './push.ts';
export { pushSignature, verifyPushSignature, apiSignature, type ShopApiSignInput } from './signature.ts';
export { SHOPEE_STATUS_RANK, SHOPEE_STATUSES } from './status.ts';
export { escrowMinor, rmToMinor, type ShopeeEscrowDetail, type EscrowMinor } from './escrow.ts';
