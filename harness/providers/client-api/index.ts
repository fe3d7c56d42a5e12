export { clientApiProvider, DEFAULT_CLIENT_RETRY, isClientApiProvider, type ClientApiConfig, type ClientApiProvider } from './provider.ts';
export type { ClientApiRoute, ClientRouteTemplate, FieldSelector } from './routes.ts';
export { clientApiTape } from './template.ts';
export {
  builtinProfiles,
  defineIdempotencyProfile,
  ietfProfile,
  isFinal,
  meaningOf,
  stripeProfile,
  type AnswerMeaning,
  type AnswerRule,
  type IdempotencyProfile,
} from './profile.ts';
