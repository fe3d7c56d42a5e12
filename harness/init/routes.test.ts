import { describe, expect, it } from 'vitest';
import { findHealthPath, findProviderEndpoints, routeStrings } from './routes.ts';
import { parseSource } from './source-files.ts';

const file = (text: string, rel = 'src/app.ts') => parseSource(`/p/${rel}`, text, rel);

describe('routes from the source', () => {
  const express = file(
    [
      "import x from './handlers/fpx.ts';",
      "app.get('/healthz', (req, res) => res.send('ok'));",
      "app.post('/hooks/shopee', shopee);",
      "app.post('/fpx/callback', fpxDirect);",
      "app.post('/recon/fpx', recon);",
      "app.post(`/api/webhooks/stripe`, stripe);",
      "const docs = 'see /webhooks/stripe in the docs';",
    ].join('\n'),
  );

  it('picks each provider webhook by name, preferring hook-like paths over reconciliation', () => {
    const found = findProviderEndpoints(routeStrings([express]));
    expect(found.shopee).toMatchObject({ path: '/hooks/shopee', where: 'src/app.ts:3' });
    expect(found.fpx).toMatchObject({ path: '/fpx/callback', where: 'src/app.ts:4' });
    expect(found.stripe).toMatchObject({ path: '/api/webhooks/stripe', where: 'src/app.ts:6' });
  });

  it('finds the health route, and nothing when none is there', () => {
    expect(findHealthPath(routeStrings([express]))).toMatchObject({ path: '/healthz', where: 'src/app.ts:2' });
    expect(findHealthPath(routeStrings([file("app.get('/orders', list);")]))).toBeUndefined();
  });

  it('ignores import specifiers, prose and providers that are not there', () => {
    const paths = routeStrings([express]).map((r) => r.path);
    expect(paths).not.toContain('./handlers/fpx.ts');
    expect(paths).not.toContain('see /webhooks/stripe in the docs');
    expect(findProviderEndpoints(routeStrings([file("app.post('/webhooks/paypal', h);")]))).toEqual({});
  });

  it('lists the other candidates of a provider', () => {
    const found = findProviderEndpoints(routeStrings([file("r('/webhooks/fpx/direct-ac'); r('/payments/fpx/indirect-ac');")]));
    expect(found.fpx?.path).toBe('/webhooks/fpx/direct-ac');
    expect(found.fpx?.others).toEqual(['/payments/fpx/indirect-ac']);
  });
});
