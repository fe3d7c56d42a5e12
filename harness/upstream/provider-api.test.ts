/**
 * A provider API is one value: composing a made-up one (defined here, not built in) into
 * createUpstream serves it, logs its calls, and faults it by its route name with its own envelope.
 */
import { http, HttpResponse } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { defineProviderApi } from '../providers/api.ts';
import { apisFor, knownApis } from '../providers/apis.ts';
import { pspApi } from '../providers/psp/api.ts';
import { shopeeApi } from '../providers/shopee/api.ts';
import { createFaultLayer } from './fault-layer.ts';
import { createUpstream, type RunningUpstream } from '../simulator/serve.ts';

const acmeApi = defineProviderApi({
  name: 'acme',
  baseUrlEnv: 'ACME_API_BASE',
  usedBy: ['acme'],
  routes: [
    { name: 'acme.payouts', method: 'POST', path: '/v2/payouts', keyed: true, subject: ({ form }) => form.get('ref') ?? '' },
  ],
  errors: {
    throttle: (retryAfterMs) => ({ status: 'SLOW_DOWN', wait_ms: retryAfterMs }),
    serverError: (status) => ({ status: 'BROKEN', http: status }),
    unauthorized: () => ({ status: 'WHO_ARE_YOU' }),
  },
  create: () => {
    const payouts: string[] = [];
    return {
      handlers: [
        http.post('/v2/payouts', async ({ request }) => {
          const ref = new URLSearchParams(await request.text()).get('ref') ?? '';
          payouts.push(ref);
          return HttpResponse.json({ status: 'PAID', ref });
        }),
      ],
      state: { payouts },
      reset: () => {
        payouts.length = 0;
      },
    };
  },
});

const payout = (upstream: RunningUpstream, ref: string) =>
  fetch(`${upstream.env['ACME_API_BASE']}/v2/payouts`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ref }).toString(),
  });

let upstream: RunningUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

describe('a provider API composed into createUpstream', () => {
  it('is served at its base-URL variable, logs its calls and keeps its own state', async () => {
    upstream = await createUpstream({ apis: [acmeApi] });

    const res = await payout(upstream, 'po_1');

    expect(await res.json()).toEqual({ status: 'PAID', ref: 'po_1' });
    expect(upstream.state(acmeApi).payouts).toEqual(['po_1']);
    expect(upstream.calls).toMatchObject([
      { seq: 0, route: 'acme.payouts', method: 'POST', path: '/v2/payouts', subject: 'po_1', operation: 'acme.payouts:po_1', status: 200 },
    ]);
  });

  it('is faulted by its route name through the fault layer, answering in its own envelope', async () => {
    upstream = await createUpstream({ apis: [shopeeApi, acmeApi] });
    upstream.use(
      createFaultLayer({
        upstream,
        plan: [
          { route: 'acme.payouts', call: 0, fault: { kind: 'throttle', retryAfterMs: 80 } },
          { route: 'acme.payouts', call: 1, fault: { kind: 'server-error', status: 502 } },
          { route: 'acme.payouts', call: 2, fault: { kind: 'unauthorized' } },
        ],
      }),
    );

    const answers = [];
    for (let i = 0; i < 4; i++) {
      const res = await payout(upstream, 'po_1');
      answers.push([res.status, res.headers.get('retry-after-ms'), await res.json()]);
    }

    expect(answers).toEqual([
      [429, '80', { status: 'SLOW_DOWN', wait_ms: 80 }],
      [502, null, { status: 'BROKEN', http: 502 }],
      [401, null, { status: 'WHO_ARE_YOU' }],
      [200, null, { status: 'PAID', ref: 'po_1' }],
    ]);
    expect(upstream.calls.map((c) => [c.route, c.fault ?? 'none', c.status, c.retryAfterMs])).toEqual([
      ['acme.payouts', 'throttle', 429, 80],
      ['acme.payouts', 'server-error', 502, undefined],
      ['acme.payouts', 'unauthorized', 401, undefined],
      ['acme.payouts', 'none', 200, undefined],
    ]);
    expect(upstream.state(acmeApi).payouts).toEqual(['po_1']);
  });

  it('drops the fault layer with resetHandlers, and forgets calls and state with reset', async () => {
    upstream = await createUpstream({ apis: [acmeApi] });
    upstream.use(createFaultLayer({ upstream, plan: [{ route: 'acme.payouts', call: 0, fault: { kind: 'reset' }, times: 5 }] }));
    await expect(payout(upstream, 'po_1')).rejects.toThrow();
    expect(upstream.calls).toMatchObject([{ route: 'acme.payouts', fault: 'reset', outcome: 'dropped' }]);

    upstream.resetHandlers();
    const res = await payout(upstream, 'po_2');
    expect(res.status).toBe(200);
    upstream.reset();

    expect(upstream.calls).toEqual([]);
    expect(upstream.state(acmeApi).payouts).toEqual([]);
  });

  it('sets the variable of an API it does not serve, and answers its calls 404 naming it', async () => {
    upstream = await createUpstream({ apis: [shopeeApi], unserved: [acmeApi] });

    const res = await payout(upstream, 'po_1');

    expect(upstream.env['ACME_API_BASE']).toBe(upstream.env['SHOPEE_API_BASE']);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ message: expect.stringMatching(/POST \/v2\/payouts.*served APIs: shopee.*acme \(ACME_API_BASE\)/) });
    expect(upstream.serves(acmeApi)).toBe(false);
    expect(() => upstream!.state(acmeApi)).toThrow(expect.objectContaining({ code: 'UPSTREAM_FAILED' }));
  });

  it('refuses two APIs whose routes clash, and an API with routes but no error envelope', async () => {
    const clash = defineProviderApi({ ...acmeApi, name: 'acme-2', routes: [{ ...acmeApi.routes[0]!, name: 'acme2.payouts' }] });
    const { errors: _errors, ...bare } = acmeApi;
    await expect(createUpstream({ apis: [acmeApi, clash] })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: /acme2\.payouts.*clashes with "acme\.payouts"/ });
    await expect(createUpstream({ apis: [bare] })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: /"acme" has routes but no errors/ });
  });
});

describe('apisFor', () => {
  it('serves the APIs the tapes’ providers use, a config’s own ones included', () => {
    const { served, unserved } = apisFor(['acme', 'merchant-client'], knownApis([acmeApi]));

    expect(served.map((api) => api.name)).toEqual(['psp', 'acme']);
    expect(unserved.map((api) => api.name)).toEqual(['shopee', 'fpx-ae']);
    expect(served).toContain(pspApi);
  });
});
