export {
  createStripeWebhook,
  stripeWebhook,
  STRIPE_CHARGE_EVENTS,
  STRIPE_PAYMENT_INTENT_EVENTS,
  STRIPE_PAYMENT_INTENT_RANK,
  STRIPE_REFUND_EVENTS,
  type StripeEffects,
} from './webhook.ts';
export { signatureHeader, verifySignatureHeader } from './signature.ts';
