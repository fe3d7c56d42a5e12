import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../providers/provider.ts';
import { buildExpectations } from './expectations.ts';

const shopee = (
  status: string,
  rank: number,
  time: number,
  identity = `727720655:O1:${status}:${time}`,
): ProviderEvent => ({
  provider: 'shopee',
  identity,
  entity: { entity: 'O1', status, rank, time },
});

describe('buildExpectations', () => {
  it('keys events by identity, keeping the first of redeliveries', () => {
    const first: ProviderEvent = { provider: 'stripe', identity: 'evt_1', noEffectReference: 'pi_1' };
    const again: ProviderEvent = {
      provider: 'stripe',
      identity: 'evt_1',
      effect: { reference: 'pi_1', amountMinor: 1, currency: 'MYR', direction: 'in' },
    };

    const expected = buildExpectations([first, again]);

    expect([...expected.events.entries()]).toEqual([['evt_1', first]]);
    expect(expected.effects.size).toBe(0);
  });

  it('has one effect per reference, even when two events carry it (refund.created + refund.updated)', () => {
    const effect = { reference: 're_1', amountMinor: 500, currency: 'MYR', direction: 'out' as const };
    const expected = buildExpectations([
      { provider: 'stripe', identity: 'evt_a', effect },
      { provider: 'stripe', identity: 'evt_b', effect: { ...effect } },
    ]);
    expect([...expected.effects.entries()]).toEqual([['re_1', effect]]);
  });

  it('expects the largest delivered total of a cumulative effect (charge.refunded), in any order', () => {
    const total = (amountMinor: number) => ({ reference: 'ch_1', amountMinor, currency: 'MYR', direction: 'out' as const, cumulative: true as const });
    const expected = buildExpectations([
      { provider: 'stripe', identity: 'evt_b', effect: total(8000) },
      { provider: 'stripe', identity: 'evt_a', effect: total(5000) },
    ]);
    expect(expected.effects.get('ch_1')?.amountMinor).toBe(8000);
    expect(buildExpectations([{ provider: 'stripe', identity: 'evt_a', effect: total(5000) }]).effects.get('ch_1')?.amountMinor).toBe(5000);
  });

  it('noEffect holds failed/pending references that never got an effect', () => {
    const expected = buildExpectations([
      { provider: 'stripe', identity: 'evt_1', noEffectReference: 'pi_failed' },
      { provider: 'stripe', identity: 'evt_2', noEffectReference: 'pi_retried' },
      {
        provider: 'stripe',
        identity: 'evt_3',
        effect: { reference: 'pi_retried', amountMinor: 900, currency: 'MYR', direction: 'in' },
      },
    ]);
    expect([...expected.noEffect]).toEqual(['pi_failed']);
    expect([...expected.effects.keys()]).toEqual(['pi_retried']);
  });

  it('final status is the highest rank whatever the order; equal ranks go to the later time', () => {
    const expected = buildExpectations([
      shopee('COMPLETED', 5, 3000),
      shopee('READY_TO_SHIP', 1, 1000),
      shopee('SHIPPED', 3, 2000),
      shopee('IN_CANCEL', 5, 4000),
      { provider: 'fpx', identity: 'x:1', entity: { entity: 'S1', status: 'pending', rank: 1, time: 10 } },
    ]);
    expect(expected.finalStatus.get('shopee:O1')).toEqual({
      provider: 'shopee',
      entity: 'O1',
      status: 'IN_CANCEL',
      rank: 5,
      time: 4000,
    });
    expect(expected.finalStatus.get('fpx:S1')?.status).toBe('pending');

    const reversed = buildExpectations([
      shopee('IN_CANCEL', 5, 4000),
      shopee('COMPLETED', 5, 3000),
      shopee('SHIPPED', 3, 2000),
    ]);
    expect(reversed.finalStatus.get('shopee:O1')?.status).toBe('IN_CANCEL');
  });
});
