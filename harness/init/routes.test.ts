import { describe, expect, it } from 'vitest';
import { declaredRoutes } from './framework-routes.ts';
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

describe('declared routes per framework', () => {
  const paths = (...files: ReturnType<typeof file>[]) => declaredRoutes(files).map((r) => `${r.method ?? '*'} ${r.path}`);

  it('reads Express/Koa/Hono/Fastify call shapes and their prefixes', () => {
    expect(
      paths(
        file(
          [
            "app.route('/orders').get(list).post(create);",
            "fastify.route({ method: 'POST', url: '/fpx/callback', handler: fpx });",
            "app.on('POST', '/hooks/x', h);",
            "const hooks = new Router({ prefix: '/hooks' }); hooks.post('/stripe', s);",
            "const api = new Hono().basePath('/api'); api.get('/health', h);",
            "const r = express.Router(); r.post('/shopee', s); app.use('/webhooks', r);",
            "map.get('key', 1);",
          ].join('\n'),
        ),
      ),
    ).toEqual(['POST /orders', 'GET /orders', 'POST /fpx/callback', 'POST /hooks/x', 'POST /hooks/stripe', 'GET /api/health', 'POST /webhooks/shopee']);
  });

  it('prefixes the routes of a module mounted one import away (app.use, fastify.register)', () => {
    expect(
      paths(
        file("import hooks from './routes/hooks.js';\nimport fpx from './fpx';\napp.use('/webhooks', hooks);\napp.register(fpx, { prefix: '/pay' });", 'src/app.ts'),
        file("const r = Router();\nr.post('/stripe', s);\nexport default r;", 'src/routes/hooks.ts'),
        file("export default async (f) => { f.post('/fpx/ac', h); };", 'src/fpx/index.ts'),
      ),
    ).toEqual(['POST /webhooks/stripe', 'POST /pay/fpx/ac']);
  });

  it('reads NestJS controllers under the global prefix', () => {
    expect(
      paths(
        file("app.setGlobalPrefix('v1');", 'src/main.ts'),
        file("@Controller({ path: 'webhooks' }) class W { @Post('stripe') a() {} @Get() b() {} @All('any') c() {} helper() {} }", 'src/w.ts'),
      ),
    ).toEqual(['POST /v1/webhooks/stripe', 'GET /v1/webhooks', '* /v1/webhooks/any']);
  });

  it('reads Next.js App Router route files (groups and slots dropped) and Pages Router API files', () => {
    expect(
      paths(
        file('export async function POST() {}\nexport const GET = () => {};', 'src/app/(shop)/api/webhooks/stripe/route.ts'),
        file('export { handler as POST };', 'app/@modal/fpx/route.js'),
        file('export function helper() {}', 'app/nothing/route.ts'),
        file('export default function h() {}', 'pages/api/hooks/index.ts'),
        file('export default function Page() {}', 'pages/about.tsx'),
      ),
    ).toEqual(['POST /api/webhooks/stripe', 'GET /api/webhooks/stripe', 'POST /fpx', '* /api/hooks']);
  });

  it('reads plain node:http url checks', () => {
    expect(
      paths(
        file(
          "import http from 'node:http';\nhttp.createServer((req, res) => {\n  if (req.url === '/health') {}\n  const { pathname } = new URL(req.url, 'http://x');\n  if ('/fpx/ac' == pathname) {}\n  switch (pathname) { case '/webhooks/stripe': break; }\n  if (req.url.startsWith('/shopee/push')) {}\n  if (name === '/not-a-url-check') {}\n});",
          'server.js',
        ),
      ),
    ).toEqual(['* /health', '* /fpx/ac', '* /webhooks/stripe', '* /shopee/push']);
  });

  it('recognises a provider by its handler name, prefers declared POSTs, and drops the unprefixed tail literal', () => {
    const routes = routeStrings([file("app.post('/webhook', stripeWebhook);\napp.get('/stripe/return', back);")]);
    expect(findProviderEndpoints(routes).stripe?.path).toBe('/webhook');
    const mounted = routeStrings([file("const r = Router(); r.post('/stripe', h); app.use('/hooks', r);")]);
    expect(mounted.map((r) => r.path)).toEqual(['/hooks/stripe', '/hooks']); // '/stripe' alone is not a route
    expect(findHealthPath(routeStrings([file("app.setGlobalPrefix('v2');\n@Controller('health') class H { @Get() c() {} }")]))?.path).toBe('/v2/health');
  });
});
