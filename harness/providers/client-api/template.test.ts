import { describe, expect, it } from 'vitest';
import type { IdemgateError } from '../../errors.ts';
import { clientApiProvider, type ClientApiConfig } from './provider.ts';
import { clientApiTape } from './template.ts';

const api: ClientApiConfig = {
  routes: [
    {
      name: 'payment',
      path: '/v1/payments',
      effect: { reference: 'body.payment_id', amount: 'body.amount_cents', currency: 'body.currency', direction: 'in' },
      template: { body: { payment_id: '{reference}', amount_cents: '{amount}', currency: '{currency}', note: 'order {reference}' }, referencePrefix: 'pay_', amount: { min: 500, max: 900 } },
    },
    {
      name: 'refund',
      path: '/v1/payments/:payment/refunds',
      group: 'path.payment',
      effect: { reference: 'body.refund_id', amount: 'body.amount', amountUnit: 'major', currency: 'MYR', direction: 'out' },
      template: { form: true, params: { payment: 'payment' }, body: { refund_id: '{reference}', amount: '{amountMajor}' }, referencePrefix: 'rf_', amount: { min: 100, max: 5000 } },
    },
  ],
};

describe('clientApiTape', () => {
  it('makes one request per templated route and entity, with a drawn key, reference and amount, that the provider reads back', () => {
    const tape = clientApiTape('payments', api, { entities: 4, seed: 7 });
    const provider = clientApiProvider('payments', api);

    const events = tape.exchanges.map((x) => provider.interpret(x, tape));

    expect(tape.exchanges.map((x) => `${x.method} ${x.path.replace(/pay_[0-9a-f]{10}/, 'pay_…')}`)).toEqual(
      Array<string[]>(4).fill(['POST /v1/payments', 'POST /v1/payments/pay_…/refunds']).flat(),
    );
    expect(new Set(events.map((e) => e.client?.key)).size).toBe(8);
    expect(new Set(events.map((e) => e.effect?.reference)).size).toBe(8);
    for (let i = 0; i < 8; i += 2) {
      const [payment, refund] = [events[i]!, events[i + 1]!];
      expect(payment.effect).toMatchObject({ reference: expect.stringMatching(/^pay_[0-9a-f]{10}$/), currency: 'MYR', direction: 'in' });
      expect(payment.effect!.amountMinor).toBeGreaterThanOrEqual(500);
      expect(payment.effect!.amountMinor).toBeLessThanOrEqual(900);
      // The refund is of the payment made just before it: its path names it, it is replayed with it, and it is no larger.
      expect(tape.exchanges[i + 1]!.path).toBe(`/v1/payments/${payment.effect!.reference}/refunds`);
      expect(refund.group).toBe(payment.effect!.reference);
      expect(refund.effect).toMatchObject({ reference: expect.stringMatching(/^rf_/), direction: 'out' });
      expect(refund.effect!.amountMinor).toBeLessThanOrEqual(payment.effect!.amountMinor);
    }
    expect(JSON.parse(tape.exchanges[0]!.body)).toMatchObject({ amount_cents: events[0]!.effect!.amountMinor, note: `order ${events[0]!.effect!.reference}` });
    expect(tape.exchanges[1]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tape.exchanges[1]!.body).toMatch(/^refund_id=rf_[0-9a-f]{10}&amount=\d+\.\d\d$/);
  });

  it('is a pure function of the seed', () => {
    expect(clientApiTape('payments', api, { seed: 3 })).toEqual(clientApiTape('payments', api, { seed: 3 }));
    expect(clientApiTape('payments', api, { seed: 3 }).exchanges[0]!.body).not.toBe(clientApiTape('payments', api, { seed: 4 }).exchanges[0]!.body);
  });

  it('names what a template lacks: a param nothing fills, a route that is not before it, no reference placeholder', () => {
    const bad: ClientApiConfig = {
      routes: [
        { ...api.routes[1]!, template: { body: { amount: '{amount}' }, params: { payment: 'payment' } } },
        api.routes[0]!,
      ],
    };
    const e = (() => {
      try {
        clientApiProvider('payments', bad);
      } catch (x) {
        return x as IdemgateError;
      }
      throw new Error('accepted');
    })();
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('clientApis.payments.routes[0].template.params.payment: "payment" is not a route listed before refund');
    expect(e.message).toContain("clientApis.payments.routes[0].template.body: no field holds '{reference}'");
    expect(() => clientApiTape('payments', { routes: [{ ...api.routes[0]!, template: undefined }] })).toThrow(/no route has a template/);
  });
});
