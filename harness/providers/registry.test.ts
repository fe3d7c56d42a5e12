import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { fpxDirectAc } from './fpx/direct-ac.ts';
import { caught, tapeOf } from './_internals/test-tape.ts';
import { adapterResolver, builtinProviders, providerFor } from './registry.ts';
import { shopeePush } from './shopee/push.ts';
import { stripeWebhook } from './stripe/webhook.ts';

describe('provider registry', () => {
  it('maps each built-in name to its provider, whose own name matches', () => {
    expect(providerFor('shopee')).toBe(shopeePush);
    expect(providerFor('fpx')).toBe(fpxDirectAc);
    expect(providerFor('stripe')).toBe(stripeWebhook);
    for (const [name, provider] of Object.entries(builtinProviders)) expect(provider.name).toBe(name);
  });

  it('throws PROVIDER_UNKNOWN listing the known names', () => {
    let error: unknown;
    try {
      providerFor('ipay88');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IdemgateError);
    expect((error as IdemgateError).code).toBe('PROVIDER_UNKNOWN');
    expect((error as IdemgateError).message).toBe(
      `unknown provider "ipay88" (known: ${Object.keys(builtinProviders).sort().join(', ')}; ` +
        'your own service\'s client API is configured as clientApis.ipay88, an adapter of your own as adapters.ipay88)',
    );
    expect(Object.keys(builtinProviders)).toEqual(expect.arrayContaining(['fpx', 'shopee', 'stripe', 'fpx-indirect', 'billplz']));
  });

  it('does not treat Object.prototype keys as providers', () => {
    expect(() => providerFor('toString')).toThrow(/unknown provider "toString"/);
  });

  it('looks names up in a given map', () => {
    expect(providerFor('mine', { mine: stripeWebhook })).toBe(stripeWebhook);
    expect(() => providerFor('shopee', { mine: stripeWebhook })).toThrow(/known: mine/);
  });

  it("resolves a config's own adapters before the built-in ones", () => {
    const mine = { ...stripeWebhook, name: 'ipay88' };
    const resolve = adapterResolver({ adapters: { ipay88: mine, stripe: mine } });
    expect(resolve('ipay88')).toBe(mine);
    expect(resolve('stripe')).toBe(mine);
    expect(resolve('shopee')).toBe(builtinProviders['shopee']);
    expect(() => resolve('nope')).toThrow(/known: .*ipay88/);
  });

  it('lists an unmodelled event unless the provider is strict, then names it as a bad exchange', () => {
    const tape = tapeOf('stripe', '/webhooks/stripe', [JSON.stringify({ id: 'evt_1', type: 'customer.created', created: 1, data: { object: { id: 'cus_1' } } })]);
    expect(adapterResolver()('stripe').interpret(tape.exchanges[0]!, tape).unmodelled).toBe('stripe event type customer.created');
    const strict = adapterResolver({ providerSettings: { stripe: { strict: true } } })('stripe');
    const error = caught(() => strict.interpret(tape.exchanges[0]!, tape));
    expect(error.code).toBe('PROVIDER_BAD_EXCHANGE');
    expect(error.message).toBe('test.jsonl seq 1: stripe: stripe event type customer.created is not modelled (providerSettings.stripe.strict is on)');
  });

  it('refuses effect settings an adapter does not know, naming the setting', () => {
    const unknownValue = caught(() => adapterResolver({ providerSettings: { stripe: { effects: { refunds: 'charge.refunded' } } } })('stripe'));
    expect(unknownValue.code).toBe('CONFIG_INVALID');
    expect(unknownValue.message).toMatch(/^providerSettings\.stripe\.effects\.refunds: /);
    const noEffects = caught(() => adapterResolver({ providerSettings: { shopee: { effects: { payments: 'x' } } } })('shopee'));
    expect(noEffects.message).toBe('providerSettings.shopee.effects: the shopee adapter has no effect settings');
  });

  it("gives a webhook provider the redelivery back-off of providerSettings.<name>.retry, defaults filled in", () => {
    const stripe = adapterResolver({ providerSettings: { stripe: { retry: { baseMs: 60_000, factor: 3, timeScale: 0.001 } } } })('stripe');
    expect(stripe.retry).toEqual({ attempts: 3, baseMs: 60_000, factor: 3, maxMs: 540_000, jitter: 0.5, timeScale: 0.001 }); // uncapped: its last wait
    expect(stripe.name).toBe(stripeWebhook.name);
    expect(adapterResolver({ providerSettings: { stripe: { strict: true } } })('stripe').retry).toBeUndefined();
  });

  it('refuses a retry schedule that cannot be waited, naming providerSettings.<name>.retry', () => {
    const error = caught(() => adapterResolver({ providerSettings: { shopee: { retry: { baseMs: 1000, factor: 0.5 } } } })('shopee'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^providerSettings\.shopee\.retry: /);
  });

  it("takes a provider's acknowledgement rule from providerSettings.<name>.acknowledge: statuses, and a body the whole answer must match", () => {
    // A gateway that wants a word of its own back (iPay88's RECEIVEOK) instead of FPX's OK.
    const fpx = adapterResolver({ providerSettings: { fpx: { acknowledge: { body: 'RECEIVEOK' } } } })('fpx');
    expect(fpx.acknowledged({ status: 200, body: 'RECEIVEOK' })).toBe(true);
    expect(fpx.acknowledged({ status: 200, body: 'RECEIVEOK\n' })).toBe(true);
    expect(fpx.acknowledged({ status: 200, body: 'OK' })).toBe(false);
    expect(fpx.acknowledged({ status: 200, body: 'NOT RECEIVEOK' })).toBe(false);
    expect(fpx.acknowledged({ status: 500, body: 'RECEIVEOK' })).toBe(false);
    // A sender that takes only a 200, where the adapter takes any 2xx.
    const stripe = adapterResolver({ providerSettings: { stripe: { acknowledge: { statuses: [200] } } } })('stripe');
    expect(stripeWebhook.acknowledged({ status: 202, body: '' })).toBe(true);
    expect(stripe.acknowledged({ status: 202, body: '' })).toBe(false);
    expect(stripe.acknowledged({ status: 200, body: 'anything' })).toBe(true);
    // Absent: the adapter's own rule.
    expect(adapterResolver({ providerSettings: { fpx: { strict: true } } })('fpx').acknowledged({ status: 200, body: 'RECEIVEOK' })).toBe(false);
  });

  it('refuses an acknowledgement rule that cannot match, naming providerSettings.<name>.acknowledge', () => {
    const badBody = caught(() => adapterResolver({ providerSettings: { fpx: { acknowledge: { body: '(OK' } } } })('fpx'));
    expect(badBody.code).toBe('CONFIG_INVALID');
    expect(badBody.message).toMatch(/^providerSettings\.fpx\.acknowledge\.body: /);
    const badStatus = caught(() => adapterResolver({ providerSettings: { stripe: { acknowledge: { statuses: [] } } } })('stripe'));
    expect(badStatus.message).toMatch(/^providerSettings\.stripe\.acknowledge\.statuses: /);
  });
});
