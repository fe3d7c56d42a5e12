export { shopeePush, SHOPEE_ORDER_STATUS_PUSH, SHOPEE_TRACKING_NO_PUSH } from './push.ts';
export { pushSignature, verifyPushSignature, apiSignature, type ShopApiSignInput } from './signature.ts';
export { SHOPEE_STATUS_RANK, SHOPEE_STATUSES } from './status.ts';
export { escrowMinor, shopeeAmountToMinor, type ShopeeEscrowDetail, type EscrowMinor } from './escrow.ts';
export { SHOPEE_REGION_CURRENCY, shopeeShopOf, type ShopeeShop } from './shop.ts';
export {
  ESCROW_DETAIL_PATH,
  ORDER_DETAIL_PATH,
  SHOPEE_ERROR_STATUS,
  SHOPEE_TEST_SECRETS,
  TIMESTAMP_WINDOW_S,
  shopeeApi,
  shopeeApiHandlers,
  shopeeApiQuery,
  shopeeApiSign,
  shopeeEscrowOf,
  type ShopeeApiCall,
  type ShopeeApiData,
  type ShopeeApiError,
  type ShopeeApiOptions,
  type ShopeeApiSecrets,
} from './api.ts';
