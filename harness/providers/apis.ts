import type { ProviderApi } from './api.ts';
import { fpxAeApi } from './fpx/ae-api.ts';
import { pspApi } from './psp/api.ts';
import { shopeeApi } from './shopee/api.ts';

/** The simulated provider APIs idemgate ships; a config adds its own with `apis`. */
export const builtinApis: readonly ProviderApi[] = Object.freeze([shopeeApi, pspApi, fpxAeApi]);

/** The route names of the built-in APIs: what upstream fault plans draw from by default. */
export const UPSTREAM_ROUTES: readonly string[] = builtinApis.flatMap((api) => api.routes.map((r) => r.name));

/** Built-in routes whose calls move money: a retry must carry the same Idempotency-Key. */
export const KEYED_ROUTES: readonly string[] = builtinApis.flatMap((api) => api.routes.filter((r) => r.keyed).map((r) => r.name));

/**
 * A config's APIs: the built-in ones, then its own (which replace a built-in one of the same name).
 *
 * @example
 * knownApis([acmeApi]).map((api) => api.name); // ['shopee', 'psp', 'fpx-ae', 'acme']
 */
export function knownApis(own: readonly ProviderApi[] = []): ProviderApi[] {
  const byName = new Map<string, ProviderApi>();
  for (const api of [...builtinApis, ...own]) byName.set(api.name, api);
  return [...byName.values()];
}

/**
 * Splits APIs into those a run needs (an API used by a provider on its tapes, or by every run)
 * and the rest.
 *
 * @example
 * apisFor(['shopee'], knownApis()); // { served: [shopeeApi], unserved: [pspApi, fpxAeApi] }
 */
export function apisFor(
  providers: Iterable<string>,
  apis: readonly ProviderApi[],
): { served: ProviderApi[]; unserved: ProviderApi[] } {
  const onTapes = new Set(providers);
  const needed = (api: ProviderApi) => api.usedBy === undefined || api.usedBy.some((p) => onTapes.has(p));
  return { served: apis.filter(needed), unserved: apis.filter((api) => !needed(api)) };
}
