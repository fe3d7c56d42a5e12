export { FPX_ENQUIRY_JOB_PATH, fpxEnquiryTick } from './tick.ts';
