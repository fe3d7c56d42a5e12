export { createUpstream, serveHandlers } from './serve.ts';
export type { RunningUpstream, ServedHandlers } from './serve.ts';
export {
  ESCROW_DETAIL_PATH,
  ORDER_DETAIL_PATH,
  SHOPEE_ERROR_STATUS,
  SHOPEE_TEST_SECRETS,
  TIMESTAMP_WINDOW_S,
  shopeeApiHandlers,
  shopeeApiQuery,
  shopeeApiSign,
} from './shopee-api.ts';
export type {
  ShopeeApiData,
  ShopeeApiError,
  ShopeeApiOptions,
  ShopeeApiSecrets,
  UpstreamCall,
} from './shopee-api.ts';
