/**
 * Webhook routes and the health route, guessed from the route-like string literals in the
 * source (`'/webhooks/stripe'`, `app.post('/hooks/shopee', …)`, `'/fpx/callback'`).
 */
import ts from 'typescript';
import { stringValue, visit, where, type SourceFile } from './source-files.ts';

export type ProviderName = 'shopee' | 'fpx' | 'stripe';
export const PROVIDERS: readonly ProviderName[] = ['shopee', 'fpx', 'stripe'];

export interface RouteString {
  path: string;
  where: string;
}

export interface FoundRoute extends RouteString {
  /** Other paths that also looked like this provider's webhook, best first. */
  others: string[];
}

const ROUTE = /^\/[A-Za-z0-9_\-./:{}]*$/;

/** Every string literal that looks like a URL path, with where it is. Deduplicated by path. */
export function routeStrings(files: readonly SourceFile[]): RouteString[] {
  const seen = new Map<string, RouteString>();
  for (const file of files) {
    visit(file, (node) => {
      const text = stringValue(node);
      if (text === undefined || !ROUTE.test(text) || text.length < 2 || text.startsWith('//')) return;
      // Imports and module specifiers are not routes.
      if (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent) || ts.isExternalModuleReference(node.parent)) return;
      if (!seen.has(text)) seen.set(text, { path: text, where: where(file, node) });
    });
  }
  return [...seen.values()];
}

const HEALTH = ['/health', '/healthz', '/_health', '/api/health', '/health/live', '/livez', '/readyz', '/ready', '/ping', '/status'];

/** The health route: the first of the usual names present in the source. */
export function findHealthPath(routes: readonly RouteString[]): RouteString | undefined {
  for (const name of HEALTH) {
    const found = routes.find((r) => r.path === name);
    if (found !== undefined) return found;
  }
  return undefined;
}

const WEBHOOKISH = /(web)?hooks?|callback|notif|ipn|push|events?\b|direct-?ac|indirect|return|response/i;
const NOT_WEBHOOK = /recon|settle|report|refunds?\b|charges?\b|api\/v\d|\/v\d\/|oauth|auth\/|admin|\.(js|css|html)$/i;

/** A score for `path` as `provider`'s webhook route; undefined when the path does not name the provider. */
function score(path: string, provider: ProviderName): number | undefined {
  if (!path.toLowerCase().includes(provider)) return undefined;
  let s = 1;
  if (WEBHOOKISH.test(path)) s += 2;
  if (NOT_WEBHOOK.test(path)) s -= 3;
  return s;
}

/** Each provider's webhook route, when a path naming the provider was found. */
export function findProviderEndpoints(routes: readonly RouteString[]): Partial<Record<ProviderName, FoundRoute>> {
  const found: Partial<Record<ProviderName, FoundRoute>> = {};
  for (const provider of PROVIDERS) {
    const ranked = routes
      .map((r, index) => ({ r, index, s: score(r.path, provider) }))
      .filter((x): x is { r: RouteString; index: number; s: number } => x.s !== undefined && x.s > 0)
      .sort((a, b) => b.s - a.s || a.index - b.index);
    const best = ranked[0];
    if (best !== undefined) found[provider] = { ...best.r, others: ranked.slice(1).map((x) => x.r.path) };
  }
  return found;
}
