/**
 * `idemgate init` on a service whose own API takes an `Idempotency-Key`: it writes a
 * `clientApis.<name>` entry with the routes that handle the header (method and path pattern),
 * the profile the code answers by (IETF unless it answers Stripe's `idempotency_error`), effect
 * selectors it can tell and TODO markers where it cannot — and never takes a webhook receiver for
 * a client API, nor a client API for a webhook.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initCommand } from '../cli/init.ts';
import { validateConfig } from '../config-schema.ts';
import { matchPath } from '../providers/client-api/routes.ts';

const REPO = resolve(import.meta.dirname, '../..');
const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function initCopy(from: string, name: string): Promise<{ config: string; out: string; todos: string[]; loaded: ReturnType<typeof validateConfig> }> {
  const root = await mkdtemp(join(tmpdir(), `idemgate-init-client-${name}-`));
  temps.push(root);
  const dir = join(root, name);
  await cp(from, dir, { recursive: true, filter: (src) => !src.endsWith('idemgate.config.ts') && !src.includes(`${name}/scenarios`) });
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  let code: number;
  try {
    code = await initCommand(['--dir', dir]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  const text = out.join('\n');
  expect(code, text).toBe(0);
  const file = join(dir, 'idemgate.config.ts');
  const mod = (await import(pathToFileURL(file).href)) as { default: unknown };
  return { config: readFileSync(file, 'utf8'), out: text, todos: [...text.matchAll(/^ {2}- (.*)$/gm)].map((m) => m[1]!), loaded: validateConfig(mod.default, file) };
}

/** The configured route (method + pattern) a request goes to, as the client-api provider matches it. */
const routeFor = (routes: readonly { name: string; method?: string; path: string }[], method: string, path: string): string | undefined =>
  routes.find((r) => (r.method ?? 'POST') === method && matchPath(r.path, path) !== undefined)?.name;

describe('idemgate init and a client API', () => {
  it('fixtures/idempotency-service (node:http, a regex route): routes matching POST /v1/payments and /v1/payments/:id/refunds, the IETF profile, TODO selectors', async () => {
    const w = await initCopy(join(REPO, 'fixtures/idempotency-service'), 'idempotency-service');

    const apis = w.loaded.clientApis ?? {};
    expect(Object.keys(apis)).toEqual(['idempotency-service']);
    const api = apis['idempotency-service']!;
    expect(api.profile).toBe('ietf');
    expect(routeFor(api.routes, 'POST', '/v1/payments')).toBe('payment');
    expect(routeFor(api.routes, 'POST', '/v1/payments/pay_1/refunds')).toBe('refund');
    expect(routeFor(api.routes, 'GET', '/healthz')).toBeUndefined();
    expect(api.routes.map((r) => r.path)).not.toContain('/_idle');
    expect(api.routes.find((r) => r.name === 'refund')).toMatchObject({ group: 'path.id', effect: { direction: 'out' } });
    // The provider is configured (its clients sign nothing) so a tape of it replays.
    expect(w.loaded.providers['idempotency-service']).toEqual({});
    expect(w.config).toMatch(/reference: 'body\.TODO_reference'/);
    expect(w.todos).toContain("client API idempotency-service: route payment (POST /v1/payments): which body field is the effect's reference? set effect.reference (TODO_reference)");
    expect(w.out).toMatch(/client API\s+idempotency-service: POST \/v1\/payments, POST \/v1\/payments\/:id\/refunds, ietf profile/);
  });

  it('Express with a Stripe-style middleware in another module: its two routes, the stripe profile, the amount it reads; the Stripe webhook stays a webhook', async () => {
    const w = await initCopy(join(import.meta.dirname, 'testdata/express-idempotency'), 'express-idempotency');

    const api = w.loaded.clientApis?.['orders-api'];
    expect(api?.profile).toBe('stripe');
    expect(api?.routes.map((r) => `${r.method ?? 'POST'} ${r.path}`)).toEqual(['POST /orders', 'POST /orders/:orderId/refunds']);
    expect(api?.routes[0]?.effect).toMatchObject({ amount: 'body.total_cents', currency: 'body.currency', direction: 'in' });
    expect(w.loaded.target.endpoints).toEqual({ stripe: '/webhooks/stripe' });
    expect(w.config).toContain("idempotency_error");
  });

  it('writes no client API for a service that reads no Idempotency-Key', async () => {
    const w = await initCopy(join(import.meta.dirname, 'testdata/express'), 'express');
    expect(w.loaded.clientApis).toBeUndefined();
    expect(w.config).not.toContain('clientApis');
  });
});
