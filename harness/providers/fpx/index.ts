export { fpxDirectAc } from './direct-ac.ts';
export { checksumSource, signChecksum, verifyChecksum } from './checksum.ts';
export { parseAc, formatAc, fpxAmountToMinor, minorToFpxAmount } from './ac.ts';
export {
  FPX_AC_FIELDS,
  FPX_AC_CHECKSUM_FIELDS,
  FPX_PENDING_CODES,
  FPX_APPROVED_CODE,
  FPX_STATUS_RANK,
  fpxStatus,
  type FpxAcField,
  type FpxAcMessage,
  type FpxStatus,
} from './fields.ts';
export { parseFpxTime, formatFpxTime, toMytIso, MYT_OFFSET_MS } from './myt-time.ts';
export { loadFpxTestKeys, FPX_TEST_PRIVATE_KEY_URL, FPX_TEST_PUBLIC_KEY_URL, type FpxKeys } from './test-keys.ts';
export { fpxEnquiryAnswers, FPX_AE_REQUIRED_FIELDS, FPX_NOT_FOUND_CODE, type FpxEnquiryAnswers } from './enquiry.ts';
export { FPX_AE_PATH, fpxAeApi, fpxEnquiryHandlers, type FpxEnquiryCall, type FpxEnquiryOptions } from './ae-api.ts';
