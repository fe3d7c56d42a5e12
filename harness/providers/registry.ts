import { IdemgateError } from '../errors.ts';
import { billplzCallback } from './billplz/billplz.ts';
import { fpxDirectAc } from './fpx/direct-ac.ts';
import { fpxEnquiryTick } from './fpx-enquiry-tick/tick.ts';
import { fpxIndirectAc } from './fpx-indirect/indirect-ac.ts';
import { clientApiProvider, type ClientApiConfig } from './client-api/provider.ts';
import { badExchange } from './_internals/exchange.ts';
import type { Provider, ProviderSettings } from './provider.ts';
import { acknowledgement } from './acknowledge.ts';
import { redeliveryTiming } from './retry-timing.ts';
import { shopeePush } from './shopee/push.ts';
import { stripeWebhook } from './stripe/webhook.ts';
import { didYouMean } from '../_internals/suggest.ts';

/** The provider families idemgate ships, by the name tapes and configs use. */
export const builtinProviders: Readonly<Record<string, Provider>> = Object.freeze({
  shopee: shopeePush,
  fpx: fpxDirectAc,
  stripe: stripeWebhook,
  'fpx-indirect': fpxIndirectAc,
  billplz: billplzCallback,
  'fpx-enquiry-tick': fpxEnquiryTick,
});

/** What of a config picks and sets up the adapters. */
export interface AdapterConfig {
  adapters?: Readonly<Record<string, Provider>> | undefined;
  providerSettings?: Readonly<Record<string, ProviderSettings>> | undefined;
  /** The merchant's own client APIs, each a provider by its name (`clientApiProvider`). */
  clientApis?: Readonly<Record<string, ClientApiConfig>> | undefined;
}

/** The config's client APIs as providers, by name. */
export function clientApiProviders(config: Pick<AdapterConfig, 'clientApis'>): Record<string, Provider> {
  return Object.fromEntries(Object.entries(config.clientApis ?? {}).map(([name, api]) => [name, clientApiProvider(name, api)]));
}

/**
 * The adapter for a provider name: the config's own adapters first, then its client APIs
 * (`clientApis`), then the built-in ones, each
 * with its `providerSettings` applied (its effect model, and `strict`: an unmodelled event is an
 * error). Each adapter is set up once per resolver.
 */
export function adapterResolver(config: AdapterConfig = {}): (name: string) => Provider {
  const all =
    config.adapters === undefined && config.clientApis === undefined
      ? builtinProviders
      : { ...builtinProviders, ...clientApiProviders(config), ...config.adapters };
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
  // A stated redelivery back-off replaces the zero-delay sweep (replay waits it × its timeScale).
  if (settings.retry !== undefined) configured = { ...configured, retry: redeliveryTiming(name, settings.retry) };
  if (settings.acknowledge !== undefined) configured = { ...configured, acknowledged: acknowledgement(name, settings.acknowledge) };
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
      `unknown provider "${name}"${didYouMean(name, Object.keys(providers))} (known: ${Object.keys(providers).sort().join(', ')}; ` +
        `your own service's client API is configured as clientApis.${name}, an adapter of your own as adapters.${name})`,
      { details: { provider: name, known: Object.keys(providers) } },
    );
  }
  return provider;
}
