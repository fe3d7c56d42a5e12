/**
 * Headers only one provider sends, for a delivery that arrives on no configured endpoint (a
 * provider pointed at another path than `target.endpoints` says).
 */
export const SIGNATURE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'stripe-signature': 'stripe',
});

/**
 * The provider a request is a delivery of: the one whose `target.endpoints` path it was sent to
 * (the query ignored), else the one whose signature header it carries; undefined for anything else.
 *
 * @example
 * providerOf('/webhooks/stripe?x=1', {}, { stripe: '/webhooks/stripe' }); // 'stripe'
 * providerOf('/other', { 'stripe-signature': 't=…' }, {}); // 'stripe'
 */
export function providerOf(
  path: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  endpoints: Readonly<Record<string, string>>,
): string | undefined {
  const bare = path.split('?')[0]!.replace(/\/+$/, '') || '/';
  for (const [provider, endpoint] of Object.entries(endpoints)) {
    if ((endpoint.split('?')[0]!.replace(/\/+$/, '') || '/') === bare) return provider;
  }
  for (const [header, provider] of Object.entries(SIGNATURE_HEADERS)) if (headers[header] !== undefined) return provider;
  return undefined;
}
