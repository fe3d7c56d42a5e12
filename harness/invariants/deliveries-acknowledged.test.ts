import { noFacts } from './facts.ts';
import { describe, expect, it } from 'vitest';
import { violationsOf } from './_testing/violations.ts';
import { judge } from './index.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import type { Database } from '../db/database.ts';
import { buildExpectations } from './expectations.ts';
import { deliveriesAcknowledged } from './deliveries-acknowledged.ts';
import type { InvariantContext, LedgerReader } from './invariant.ts';

let step = 0;
const delivery = (
  exchange: number,
  acknowledged: boolean,
  status: number,
  body = '',
  extra: Partial<DeliveryOutcome> = {},
): DeliveryOutcome => ({
  step: step++,
  exchange,
  provider: 'fpx',
  attempt: 1,
  origin: 'schedule',
  result: 'answered',
  status,
  body,
  acknowledged,
  startedAtMs: step,
  durationMs: 3,
  ...extra,
});

// This invariant reads only the delivery outcomes; the ledger and database are never touched.
const ctx = (deliveries: DeliveryOutcome[]): InvariantContext => ({
  ledger: undefined as unknown as LedgerReader,
  entities: undefined,
  expected: buildExpectations([]),
  deliveries,
  baseline: undefined,
  database: undefined as unknown as Database,
  facts: noFacts,
});

describe('deliveriesAcknowledged', () => {
  it('holds when every exchange got an acknowledgement at some point', async () => {
    const deliveries = [
      delivery(1, true, 200, 'OK'),
      delivery(2, false, 409, 'unknown payment'),
      delivery(2, false, 0, '', { result: 'timeout', status: undefined }),
      delivery(2, true, 200, 'OK', { origin: 'redelivery', attempt: 3 }),
    ];
    expect(await violationsOf(deliveriesAcknowledged, ctx(deliveries))).toEqual([]);
  });

  it('names an exchange that was never acknowledged, with its last answers', async () => {
    const deliveries = [
      delivery(1, true, 200, 'OK'),
      delivery(7, false, 200, 'DUPLICATE'), // FPX wants body OK: a 200 that is not OK is no ack
      delivery(7, false, 500, 'duplicate key value violates unique constraint', { origin: 'redelivery', attempt: 2 }),
      delivery(7, false, 0, '', {
        result: 'aborted',
        status: undefined,
        body: undefined,
        origin: 'redelivery',
        attempt: 3,
      }),
    ];

    const violations = await violationsOf(deliveriesAcknowledged, ctx(deliveries));

    expect(violations.map((v) => v.message)).toEqual([
      'exchange 7 (fpx) was delivered 3 time(s) and never acknowledged; last answers: 200, 500, aborted',
    ]);
    expect(violations[0]!.evidence[0]).toEqual({ exchange: 7, provider: 'fpx', deliveries: 3 });
    expect(violations[0]!.evidence[2]).toMatchObject({
      status: 500,
      origin: 'redelivery',
      body: 'duplicate key value violates unique constraint',
    });
  });

  it('judges each delivered exchange once, and nothing when nothing was delivered', async () => {
    expect((await judge(deliveriesAcknowledged, ctx([]))).judged).toBe(0);
    const judgement = await judge(deliveriesAcknowledged, ctx([delivery(1, true, 200, 'OK'), delivery(1, true, 200, 'OK', { attempt: 2 }), delivery(2, true, 200, 'OK')]));
    expect(judgement).toEqual({ judged: 2, violations: [] });
  });

  it('keeps only the last five answers and truncates long bodies', async () => {
    const deliveries = Array.from({ length: 8 }, (_, i) =>
      delivery(3, false, 500, 'x'.repeat(1000), { attempt: i + 1 }),
    );
    const [violation] = await violationsOf(deliveriesAcknowledged, ctx(deliveries));
    expect(violation!.evidence).toHaveLength(6);
    expect(violation!.evidence[1]).toMatchObject({ attempt: 4 });
    expect(String(violation!.evidence[1]!.body)).toHaveLength(201);
  });

  it('leaves a client variant (same key, other payload) to its profile: its answer neither acknowledges the request nor fails it', async () => {
    const variant = { kind: 'payload-mismatch', field: 'amount' } as const;
    // The request itself never acknowledged: a variant's 422 does not stand in for it.
    const unacked = await violationsOf(deliveriesAcknowledged, ctx([delivery(0, false, 409), delivery(0, true, 422, '', { variant })]));
    expect(unacked).toHaveLength(1);
    expect(unacked[0]!.message).toContain('delivered 1 time(s)');
    // The request acknowledged; its variant's answer (whatever it is) is not judged here.
    expect(await violationsOf(deliveriesAcknowledged, ctx([delivery(1, true, 201), delivery(1, false, 417, '<html>', { variant })]))).toEqual([]);
  });
});
