/**
 * Lifecycle rank of Shopee order statuses, for status monotonicity. Shopee does not publish an
 * order; this is idemgate's model: the main path rises to COMPLETED, IN_CANCEL →
 * CANCELLED and TO_RETURN are side branches. Equal ranks are ordered by `update_time`.
 *
 * PENDING (sent only to shops that opted in) is a paid order Shopee still holds (its
 * `pending_terms`, e.g. a system review) before the seller may ship: after UNPAID, before
 * READY_TO_SHIP. It shares UNPAID's rank, so between the two the later `update_time` wins. No
 * status before COMPLETED moves money. A status not listed here is replayed with no expected
 * status or effect (see push.ts).
 */
export const SHOPEE_STATUS_RANK: Readonly<Record<string, number>> = Object.freeze({
  UNPAID: 0,
  PENDING: 0,
  READY_TO_SHIP: 1,
  PROCESSED: 2,
  RETRY_SHIP: 3,
  SHIPPED: 3,
  TO_CONFIRM_RECEIVE: 4,
  COMPLETED: 5,
  IN_CANCEL: 5,
  CANCELLED: 6,
  TO_RETURN: 6,
});

export const SHOPEE_STATUSES: readonly string[] = Object.freeze(Object.keys(SHOPEE_STATUS_RANK));
