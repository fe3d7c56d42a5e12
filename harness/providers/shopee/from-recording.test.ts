import { describe, expect, it } from 'vitest';
import type { RecordedApiCall } from '../api.ts';
import { ESCROW_DETAIL_PATH, ORDER_DETAIL_PATH, shopeeApi, shopeeEscrowOf, shopeeFromRecording } from './api.ts';
import { shopeeShopOf } from './shop.ts';

const call = (path: string, query: Record<string, string>, status: number, body: unknown): RecordedApiCall => ({
  method: 'GET',
  path,
  query,
  requestBody: '',
  status,
  body: JSON.stringify(body),
  recordedAt: '2026-12-03T10:00:00.000+08:00',
  durationMs: 12,
});

describe('shopeeApi.fromRecording', () => {
  it('gives the header the escrow detail of each order the real API answered, and the shop from order detail', () => {
    const escrow = { order_sn: 'A1', buyer_user_name: 'anon-1', order_income: { escrow_amount: 11.03, buyer_total_amount: 11.72 } };
    const calls = [
      call(ESCROW_DETAIL_PATH, { order_sn: 'A1' }, 200, { request_id: 'r1', error: '', message: '', response: escrow }),
      // A refused call and a server error are not answers to serve.
      call(ESCROW_DETAIL_PATH, { order_sn: 'B2' }, 403, { request_id: 'r2', error: 'error_sign', message: 'Wrong sign.' }),
      call(ESCROW_DETAIL_PATH, { order_sn: 'C3' }, 502, 'gateway'),
      call(ORDER_DETAIL_PATH, { order_sn_list: 'A1' }, 200, { error: '', response: { order_list: [{ order_sn: 'A1', region: 'VN', currency: 'VND' }] } }),
    ];

    const upstream = shopeeApi.fromRecording!(calls);
    const tape = { header: { format: 'idemgate-tape' as const, version: 1 as const, name: 't', createdAt: '2026-12-03T10:00:00.000+08:00', upstream } };

    expect(upstream).toEqual(shopeeFromRecording(calls));
    expect(shopeeEscrowOf({ ...tape, exchanges: [] })).toEqual({ A1: escrow });
    expect(shopeeShopOf(tape)).toEqual({ region: 'VN', currency: 'VND' });
  });

  it('gives nothing when no call was answered', () => {
    expect(shopeeFromRecording([call(ESCROW_DETAIL_PATH, { order_sn: 'B2' }, 404, { error: 'error_not_found' })])).toEqual({});
  });
});
