import { fact, factsOf, noFacts } from '../../invariants/facts.ts';
import { UPSTREAM_FACTS } from '../facts.ts';
import { describe, expect, it } from 'vitest';
import { violationsOf } from '../../invariants/_testing/violations.ts';
import type { Database } from '../../db/database.ts';
import type { UpstreamCallRecord } from '../../simulator/call-log.ts';
import type { UpstreamFacts } from '../facts.ts';
import { buildExpectations } from '../../invariants/expectations.ts';
import type { InvariantContext } from '../../invariants/invariant.ts';
import { clientKeysEventuallyAnswered, noCached5xx, upstreamInvariants, type ClientKeyAnswer, type ClientKeyedRequest, type ClientKeyFacts } from './index.ts';

let step = 0;
/** A delivery answered at `at` ms, lasting 5 ms. */
const answer = (at: number, status: number | 'aborted', body = '{}', origin: ClientKeyAnswer['origin'] = 'schedule'): ClientKeyAnswer => ({
  step: step++,
  origin,
  result: status === 'aborted' ? 'aborted' : 'answered',
  ...(status === 'aborted' ? {} : { status, body }),
  startedAtMs: at,
  endedAtMs: at + 5,
});

const request = (answers: ClientKeyAnswer[], extra: Partial<ClientKeyedRequest> = {}): ClientKeyedRequest => ({
  exchange: 0,
  seq: 1,
  provider: 'merchant-client',
  idempotencyKey: 'key-1',
  subject: 'ord_1',
  answers,
  ...extra,
});

const pspCall = (at: number, status: number, subject = 'ord_1'): UpstreamCallRecord => ({
  seq: at,
  route: 'psp.payment_intents',
  method: 'POST',
  path: '/v1/payment_intents',
  subject,
  operation: `psp.payment_intents:${subject}`,
  idempotencyKey: 'out-1',
  startedAtMs: at,
  endedAtMs: at + 1,
  outcome: 'answered',
  status,
  time: '2026-03-16T00:00:00.000Z',
});

const ctx = (clientRequests: ClientKeyedRequest[] | undefined, calls: UpstreamCallRecord[] = []): InvariantContext => {
  const upstream: UpstreamFacts & ClientKeyFacts = {
    calls,
    pspLedger: [],
    triggers: [],
    pspSubjects: [],
    longestRetryAfterMs: 100,
    replayStartedAtMs: 0,
    ...(clientRequests === undefined ? {} : { clientRequests }),
  };
  return {
    ledger: { view: 'ledger', cashAccounts: [], rows: async () => [], query: async () => [] },
    entities: undefined,
    expected: buildExpectations([]),
    deliveries: [],
    baseline: undefined,
    database: undefined as unknown as Database,
    facts: factsOf(fact(UPSTREAM_FACTS, upstream)),
  };
};

const LOCKED = '{"error":"a request with Idempotency-Key key-1 is still being processed; retry later"}';

describe('client-keys-eventually-answered', () => {
  const invariant = clientKeysEventuallyAnswered();

  it('holds when a 409 while the first request runs is followed by the stored answer', async () => {
    const log = request([answer(0, 'aborted'), answer(10, 409, LOCKED), answer(900, 201, '{"status":"succeeded"}', 'redelivery')]);
    expect(await violationsOf(invariant, ctx([log]))).toEqual([]);
  });

  it('holds when a failed request is retried and served, and when 409 is never answered', async () => {
    const served = request([answer(0, 502), answer(100, 201, '{}', 'redelivery')]);
    const plain = request([answer(0, 201)], { seq: 2, idempotencyKey: 'key-2' });
    expect(await violationsOf(invariant, ctx([served, plain]))).toEqual([]);
  });

  it('breaks when a key that failed once answers 409 to the end of the sweep, naming seq and key', async () => {
    const stuck = request(
      [answer(0, 502, '{"error":"PSP call failed"}'), answer(50, 409, LOCKED, 'redelivery'), answer(4100, 409, LOCKED, 'redelivery'), answer(8200, 409, LOCKED, 'redelivery')],
      { seq: 3, idempotencyKey: 'key-3' },
    );
    const violations = await violationsOf(invariant, ctx([request([answer(0, 201)]), stuck]));
    expect(violations).toHaveLength(1);
    expect(violations[0]!.invariant).toBe('client-keys-eventually-answered');
    expect(violations[0]!.message).toContain('seq 3');
    expect(violations[0]!.message).toContain('Idempotency-Key key-3');
    expect(violations[0]!.message).toContain('3 of 4 answers were 409; the others: 502');
    expect(violations[0]!.evidence).toHaveLength(4);
    expect(violations[0]!.evidence[3]).toMatchObject({ origin: 'redelivery', outcome: '409' });
  });

  it('judges by the answer that came last, not the one sent last', async () => {
    // A concurrent pair: the one sent second is answered first (409), the first later (201).
    const racing = request([answer(0, 201), { ...answer(1, 409, LOCKED), endedAtMs: 2 }]);
    racing.answers[0]!.endedAtMs = 300;
    expect(await violationsOf(invariant, ctx([racing]))).toEqual([]);
    racing.answers[0]!.endedAtMs = 1;
    expect(await violationsOf(invariant, ctx([racing]))).toHaveLength(1);
  });

  it('has nothing to judge without the upstream extension or keyed requests', async () => {
    expect(await violationsOf(invariant, ctx(undefined))).toEqual([]);
    expect(await violationsOf(invariant, { ...ctx([]), facts: noFacts })).toEqual([]);
  });
});

describe('no-cached-5xx', () => {
  const invariant = noCached5xx();
  const FAILED = '{"error":"PSP call failed: POST /v1/payment_intents failed after 1 attempt(s): HTTP 401"}';

  it('holds when the retry after a 5xx calls the upstream again and is served', async () => {
    const log = request([answer(0, 502, FAILED), answer(100, 201, '{"status":"succeeded"}', 'redelivery')]);
    expect(await violationsOf(invariant, ctx([log], [pspCall(2, 401), pspCall(101, 200)]))).toEqual([]);
  });

  it('holds when the retries get the same 5xx because each one calls a still-failing upstream', async () => {
    const log = request([answer(0, 502, FAILED), answer(100, 502, FAILED, 'redelivery'), answer(200, 502, FAILED, 'redelivery')]);
    expect(await violationsOf(invariant, ctx([log], [pspCall(2, 503), pspCall(102, 503), pspCall(202, 503)]))).toEqual([]);
  });

  it('holds when a later answer differs (another status or body)', async () => {
    const log = request([answer(0, 500, ''), answer(100, 500, '{"error":"other"}', 'redelivery')]);
    expect(await violationsOf(invariant, ctx([log]))).toEqual([]);
  });

  it('breaks when every retry replays the first 5xx with no upstream call for the subject', async () => {
    const log = request(
      [answer(0, 502, FAILED), answer(100, 502, FAILED, 'redelivery'), answer(200, 502, FAILED, 'redelivery')],
      { seq: 4, idempotencyKey: 'key-4' },
    );
    // Calls for another order do not count as trying this one again.
    const violations = await violationsOf(invariant, ctx([log], [pspCall(2, 401), pspCall(150, 200, 'ord_2')]));
    expect(violations).toHaveLength(1);
    expect(violations[0]!.invariant).toBe('no-cached-5xx');
    expect(violations[0]!.message).toContain('seq 4');
    expect(violations[0]!.message).toContain('Idempotency-Key key-4');
    expect(violations[0]!.message).toContain('same 502 on all 2 later deliveries with no upstream call for ord_1');
    expect(violations[0]!.evidence.filter((row) => row['route'] === 'psp.payment_intents')).toHaveLength(1);
  });

  it('does not count a delivery that overlapped the 5xx as a retry', async () => {
    const log = request([answer(0, 502, FAILED), { ...answer(1, 502, FAILED), startedAtMs: 1, endedAtMs: 6 }]);
    expect(await violationsOf(invariant, ctx([log]))).toEqual([]);
  });
});

describe('upstreamInvariants', () => {
  it('includes both client-key invariants after the six call-log ones', () => {
    expect(upstreamInvariants().map((i) => i.name).slice(-2)).toEqual(['client-keys-eventually-answered', 'no-cached-5xx']);
    expect(upstreamInvariants()).toHaveLength(8);
  });
});
