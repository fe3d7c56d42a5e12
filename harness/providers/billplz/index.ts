export { billplzCallback, billplzFields, BILLPLZ_STATUS_RANK } from './billplz.ts';
export { billplzSignature, billplzSignatureSource } from './signature.ts';
