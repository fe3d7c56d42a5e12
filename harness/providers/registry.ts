import { IdemgateError } from '../errors.ts';
import { billplzCallback } from './billplz/billplz.ts';
import { fpxDirectAc } from './fpx/direct-ac.ts';
import { fpxEnquiryTick } from './fpx-enquiry-tick/tick.ts';
import { fpxIndirectAc } from './fpx-indirect/indirect-ac.ts';
import { merchantClient } from './merchant-client/client-request.ts';
import type { Provider } from './provider.ts';
import { shopeePush } from './shopee/push.ts';
import { stripeWebhook } from './stripe/webhook.ts';

/** The provider families idemgate ships, by the name tapes and configs use. */
export const builtinProviders: Readonly<Record<string, Provider>> = Object.freeze({
  shopee: shopeePush,
  fpx: fpxDirectAc,
  stripe: stripeWebhook,
  'merchant-client': merchantClient,
  'fpx-indirect': fpxIndirectAc,
  billplz: billplzCallback,
  'fpx-enquiry-tick': fpxEnquiryTick,
});

/** The adapter for a provider name: the config's own adapters first, then the built-in ones. */
export function adapterResolver(adapters: Readonly<Record<string, Provider>> | undefined): (name: string) => Provider {
  const all = adapters === undefined ? builtinProviders : { ...builtinProviders, ...adapters };
  return (name) => providerFor(name, all);
}

/**
 * The provider for a tape's or config's provider name; PROVIDER_UNKNOWN lists the known names.
 *
 * @example
 * providerFor('stripe') === stripeWebhook; // true
 */
export function providerFor(name: string, providers: Readonly<Record<string, Provider>> = builtinProviders): Provider {
  const provider = Object.hasOwn(providers, name) ? providers[name] : undefined;
  if (provider === undefined) {
    throw new IdemgateError(
      'PROVIDER_UNKNOWN',
      `unknown provider "${name}" (known: ${Object.keys(providers).sort().join(', ')})`,
      { details: { provider: name, known: Object.keys(providers) } },
    );
  }
  return provider;
}
