/**
 * idemgate/client-api: the merchant's own Idempotency-Key API as a target — the extension that
 * gathers each keyed request's answers and its invariants. The provider (`clientApis` in the
 * config), the profiles and the client faults are in the main entry point.
 */
export { clientApi, type ClientApiExtensionOptions } from './extension.ts';
export { CLIENT_API_FACTS, type ClientAnswer, type ClientApiFacts, type ClientKeyedExchange } from './facts.ts';
export { clientApiInvariants, keyReleased, oneEffectPerKey, profileAnswers, storedAnswerRepeated } from './invariants/index.ts';
