/**
 * Webhook routes and the health route: first the routes the service declares in a framework
 * idemgate reads (framework-routes.ts: Express, Fastify, Koa, Hono, NestJS, Next.js, node:http),
 * then the route-like string literals in the source (`'/webhooks/stripe'`, `'/fpx/callback'`).
 */
import ts from 'typescript';
import { declaredRoutes } from './framework-routes.ts';
import { stringValue, visit, where, type SourceFile } from './source-files.ts';

export type ProviderName = 'shopee' | 'fpx' | 'stripe';
export const PROVIDERS: readonly ProviderName[] = ['shopee', 'fpx', 'stripe'];

export interface RouteString {
  path: string;
  where: string;
  /** Set for a route the service declares (not only a string that looks like one). */
  declared?: { method: string | undefined; handler: string | undefined; framework: string };
}

export interface FoundRoute extends RouteString {
  /** Other paths that also looked like this provider's webhook, best first. */
  others: string[];
}

const ROUTE = /^\/[A-Za-z0-9_\-./:{}]*$/;

/**
 * The declared routes, then every other string literal that looks like a URL path, with where it
 * is. Deduplicated by path; a literal that is the tail of a declared (prefixed) route is left out.
 */
export function routeStrings(files: readonly SourceFile[]): RouteString[] {
  const seen = new Map<string, RouteString>();
  const declared = declaredRoutes(files);
  for (const r of declared) {
    const found = seen.get(r.path);
    // One path, several methods: keep the POST (webhooks are POSTs).
    if (found === undefined || (r.method === 'POST' && found.declared?.method !== 'POST')) {
      seen.set(r.path, { path: r.path, where: r.where, declared: { method: r.method, handler: r.handler, framework: r.framework } });
    }
  }
  const tails = (text: string): boolean => declared.some((r) => r.path !== text && r.path.endsWith(text));
  for (const file of files) {
    visit(file, (node) => {
      const text = stringValue(node);
      if (text === undefined || !ROUTE.test(text) || text.length < 2 || text.startsWith('//')) return;
      // Imports and module specifiers are not routes.
      if (ts.isImportDeclaration(node.parent) || ts.isExportDeclaration(node.parent) || ts.isExternalModuleReference(node.parent)) return;
      if (!seen.has(text) && !tails(text)) seen.set(text, { path: text, where: where(file, node) });
    });
  }
  return [...seen.values()];
}

const HEALTH = ['/health', '/healthz', '/_health', '/api/health', '/health/live', '/livez', '/readyz', '/ready', '/ping', '/status'];

const HEALTH_TAIL = /\/(health|healthz|_health|livez|readyz|ready|ping|status)(\/(live|ready))?$/;

/**
 * The health route: the first of the usual names present in the source, else a declared GET (or
 * any-method) route ending in one (`/api/v1/health` behind a global prefix).
 */
export function findHealthPath(routes: readonly RouteString[]): RouteString | undefined {
  for (const name of HEALTH) {
    const found = routes.find((r) => r.path === name);
    if (found !== undefined) return found;
  }
  return routes.find((r) => r.declared !== undefined && (r.declared.method ?? 'GET') === 'GET' && HEALTH_TAIL.test(r.path));
}

const WEBHOOKISH = /(web)?hooks?|callback|notif|ipn|push|events?\b|direct-?ac|indirect|return|response/i;
const NOT_WEBHOOK = /recon|settle|report|refunds?\b|charges?\b|api\/v\d|\/v\d\/|oauth|auth\/|admin|\.(js|css|html)$/i;

/**
 * A score for a route as `provider`'s webhook; undefined when neither its path nor its handler's
 * name (`app.post('/webhook', stripeWebhook)`) names the provider. Declared POST routes rank
 * above look-alike strings, GET routes below.
 */
function score(route: RouteString, provider: ProviderName): number | undefined {
  const { path, declared } = route;
  const byPath = path.toLowerCase().includes(provider);
  if (!byPath && declared?.handler?.toLowerCase().includes(provider) !== true) return undefined;
  let s = 1;
  if (WEBHOOKISH.test(path) || (!byPath && WEBHOOKISH.test(declared?.handler ?? ''))) s += 2;
  if (NOT_WEBHOOK.test(path)) s -= 3;
  if (declared !== undefined) s += declared.method === 'GET' ? -1 : 0.5;
  return s;
}

/** Each provider's webhook route, when a path naming the provider was found. */
export function findProviderEndpoints(routes: readonly RouteString[]): Partial<Record<ProviderName, FoundRoute>> {
  const found: Partial<Record<ProviderName, FoundRoute>> = {};
  for (const provider of PROVIDERS) {
    const ranked = routes
      .map((r, index) => ({ r, index, s: score(r, provider) }))
      .filter((x): x is { r: RouteString; index: number; s: number } => x.s !== undefined && x.s > 0)
      .sort((a, b) => b.s - a.s || a.index - b.index);
    const best = ranked[0];
    if (best !== undefined) found[provider] = { path: best.r.path, where: best.r.where, others: ranked.slice(1).map((x) => x.r.path) };
  }
  return found;
}
