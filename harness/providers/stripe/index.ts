export { stripeWebhook, STRIPE_PAYMENT_INTENT_RANK } from './webhook.ts';
export { signatureHeader, verifySignatureHeader } from './signature.ts';
