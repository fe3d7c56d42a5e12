export { billplzCallback, billplzFields, BILLPLZ_STATUS_RANK } from './billplz.ts';
export { billplzSignature, billplzSignatureSource } from './signature.ts';
export { billplzRetries, BILLPLZ_MAX_ATTEMPTS, BILLPLZ_RETRY_DELAYS_MS } from './retries.ts';
