import { describe, expect, it } from 'vitest';
import { providerOf } from './recognise.ts';

const endpoints = { stripe: '/webhooks/stripe', billplz: '/webhooks/billplz/' };

describe('providerOf', () => {
  it('is the provider whose endpoint the request was sent to, whatever its query or trailing slash', () => {
    expect(providerOf('/webhooks/stripe', {}, endpoints)).toBe('stripe');
    expect(providerOf('/webhooks/billplz?billplz%5Bid%5D=1', {}, endpoints)).toBe('billplz');
    expect(providerOf('/webhooks/stripe/', {}, endpoints)).toBe('stripe');
  });

  it('is the provider whose signature header a request on another path carries, else none', () => {
    expect(providerOf('/stripe-hook', { 'stripe-signature': 't=1,v1=00' }, endpoints)).toBe('stripe');
    expect(providerOf('/health', { authorization: 'x' }, endpoints)).toBeUndefined();
    expect(providerOf('/webhooks/stripe/extra', {}, endpoints)).toBeUndefined();
  });
});
