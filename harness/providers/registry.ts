import { IdemgateError } from '../errors.ts';
import { billplzCallback } from './billplz/billplz.ts';
import { fpxDirectAc } from './fpx/direct-ac.ts';
import { fpxEnquiryTick } from './fpx-enquiry-tick/tick.ts';
import { fpxIndirectAc } from './fpx-indirect/indirect-ac.ts';
import { merchantClient } from './merchant-client/client-request.ts';
import { badExchange } from './_internals/exchange.ts';
import type { Provider, ProviderSettings } from './provider.ts';
import { shopeePush } from './shopee/push.ts';
import { stripeWebhook } from './stripe/webhook.ts';
import { didYouMean } from '../_internals/suggest.ts';

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

/** What of a config picks and sets up the adapters. */
export interface AdapterConfig {
  adapters?: Readonly<Record<string, Provider>> | undefined;
  providerSettings?: Readonly<Record<string, ProviderSettings>> | undefined;
}

/**
 * The adapter for a provider name: the config's own adapters first, then the built-in ones, each
 * with its `providerSettings` applied (its effect model, and `strict`: an unmodelled event is an
 * error). Each adapter is set up once per resolver.
 */
export function adapterResolver(config: AdapterConfig = {}): (name: string) => Provider {
  const all = config.adapters === undefined ? builtinProviders : { ...builtinProviders, ...config.adapters };
  const made = new Map<string, Provider>();
  return (name) => {
    let provider = made.get(name);
    if (provider === undefined) {
      provider = configuredProvider(name, providerFor(name, all), config.providerSettings?.[name]);
      made.set(name, provider);
    }
    return provider;
  };
}

function configuredProvider(name: string, provider: Provider, settings: ProviderSettings | undefined): Provider {
  if (settings === undefined) return provider;
  let configured = provider;
  if (provider.configure !== undefined) configured = provider.configure(settings);
  else if (settings.effects !== undefined && Object.keys(settings.effects).length > 0) {
    throw new IdemgateError('CONFIG_INVALID', `providerSettings.${name}.effects: the ${name} adapter has no effect settings`, {
      details: { path: `providerSettings.${name}.effects` },
    });
  }
  if (settings.strict !== true) return configured;
  const lenient = configured;
  return {
    ...lenient,
    interpret(exchange, tape) {
      const event = lenient.interpret(exchange, tape);
      if (event.unmodelled !== undefined) {
        throw badExchange(name, exchange, tape, `${event.unmodelled} is not modelled (providerSettings.${name}.strict is on)`);
      }
      return event;
    },
  };
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
      `unknown provider "${name}"${didYouMean(name, Object.keys(providers))} (known: ${Object.keys(providers).sort().join(', ')})`,
      { details: { provider: name, known: Object.keys(providers) } },
    );
  }
  return provider;
}
