import { fact, factsOf } from '../../invariants/facts.ts';
import { UPSTREAM_FACTS } from '../facts.ts';
import { describe, expect, it } from 'vitest';
import { violationsOf } from '../../invariants/_testing/violations.ts';
import type { Database } from '../../db/database.ts';
import type { UpstreamCallRecord } from '../../simulator/call-log.ts';
import type { UpstreamFacts } from '../facts.ts';
import type { PspLedgerEntry } from '../../providers/psp/api.ts';
import { buildExpectations } from '../../invariants/expectations.ts';
import type { InvariantContext, LedgerReader } from '../../invariants/invariant.ts';
import {
  noRetryAfterClientError,
  retriesBounded,
  retriesCarrySameKey,
  retryAfterHonoured,
  serverErrorBackoff,
  upstreamLedgerAgrees,
} from './index.ts';

let seq = 0;
/** A call at `at` ms lasting 1 ms. */
const call = (at: number, status: number | 'dropped', extra: Partial<UpstreamCallRecord> = {}): UpstreamCallRecord => ({
  seq: seq++,
  route: 'psp.payment_intents',
  method: 'POST',
  path: '/v1/payment_intents',
  subject: 'ord_1',
  operation: 'psp.payment_intents:ord_1',
  idempotencyKey: 'k1',
  startedAtMs: at,
  endedAtMs: at + 1,
  outcome: status === 'dropped' ? 'dropped' : 'answered',
  ...(status === 'dropped' ? {} : { status }),
  time: '2026-03-16T00:00:00.000Z',
  ...extra,
});

const facts = (calls: UpstreamCallRecord[], more: Partial<UpstreamFacts> = {}): UpstreamFacts => ({
  calls,
  pspLedger: [],
  triggers: [{ subject: 'ord_1', startedAtMs: 0 }],
  pspSubjects: [],
  longestRetryAfterMs: 100,
    replayStartedAtMs: 0,
  ...more,
});

/** A ledger reader answering the cash-net query from fixed rows. */
const ledgerOf = (net: Record<string, number>): LedgerReader => ({
  view: 'ledger',
  cashAccounts: ['psp_clearing'],
  rows: async () => [],
  query: async <T,>() => Object.entries(net).map(([reference, n]) => ({ reference, net: String(n), txns: '1' })) as T[],
});

const ctx = (upstream: UpstreamFacts, ledger: LedgerReader = ledgerOf({})): InvariantContext => ({
  ledger,
  entities: undefined,
  expected: buildExpectations([]),
  deliveries: [],
  baseline: undefined,
  database: undefined as unknown as Database,
  facts: factsOf(fact(UPSTREAM_FACTS, upstream)),
});

describe('upstream-no-retry-after-client-error', () => {
  it('holds when a 401 ends the request and a later delivery tries again', async () => {
    const log = facts([call(10, 401), call(500, 200)], { triggers: [{ subject: 'ord_1', startedAtMs: 0 }, { subject: 'ord_1', startedAtMs: 400 }] });
    expect(await violationsOf(noRetryAfterClientError(), ctx(log))).toEqual([]);
  });

  it('breaks when the same request retries after a 401', async () => {
    const violations = await violationsOf(noRetryAfterClientError(), ctx(facts([call(10, 401), call(12, 200)])));
    expect(violations).toHaveLength(1);
    expect(violations[0]!.message).toContain('retried after HTTP 401');
  });

  it('allows retries after 409 and 429, and takes another policy', async () => {
    const log = facts([call(10, 409), call(200, 429, { retryAfterMs: 50 }), call(400, 200)]);
    expect(await violationsOf(noRetryAfterClientError(), ctx(log))).toEqual([]);
    expect(await noRetryAfterClientError({ noRetryAfter: (s) => s === 409 }).check(ctx(log))).toHaveLength(1);
  });
});

describe('upstream-retry-after-honoured', () => {
  it('holds when the retry waits the Retry-After', async () => {
    expect(await violationsOf(retryAfterHonoured(), ctx(facts([call(10, 429, { retryAfterMs: 80 }), call(95, 200)])))).toEqual([]);
  });

  it('breaks when the retry comes early', async () => {
    const [v] = await violationsOf(retryAfterHonoured(), ctx(facts([call(10, 429, { retryAfterMs: 80 }), call(30, 200)])));
    expect(v?.message).toMatch(/retried 19\.0 ms after a 429 asking for Retry-After 80 ms/);
  });
});

describe('upstream-server-error-backoff', () => {
  it('holds when a 5xx is followed by at least the longest Retry-After', async () => {
    expect(await violationsOf(serverErrorBackoff(), ctx(facts([call(10, 503), call(111, 200)])))).toEqual([]);
  });
  // Two queued jobs of one order fetch at once and each backs off on its own clock (seen on a BullMQ
  // worker): the retry at 136 is job A's (107 ms after its 502), the one at 155 job B's.
  const twoJobs = (bRetryAt: number) =>
    facts([call(29, 502), call(44.7, 502), call(136.2, 200), call(bRetryAt, 200)], {
      triggers: [{ subject: 'ord_1', startedAtMs: 0 }, { subject: 'ord_1', startedAtMs: 20 }],
    });
  it('holds for concurrent requests of one subject that each back off long enough', async () => {
    expect(await violationsOf(serverErrorBackoff(), ctx(twoJobs(154.7)))).toEqual([]);
  });
  it('fails when one of two concurrent requests retries early', async () => {
    expect(await violationsOf(serverErrorBackoff(), ctx(twoJobs(100)))).not.toEqual([]);
  });
  it('charges an early retry of one of two concurrent requests to the one that failed first', async () => {
    // Job A throttled at 0 retries after 10 ms; job B's 502 at 5 is not what A's retry broke.
    const log = facts([call(0, 429, { retryAfterMs: 60 }), call(5, 502), call(10, 200), call(106, 200)], {
      triggers: [{ subject: 'ord_1', startedAtMs: 0 }, { subject: 'ord_1', startedAtMs: 2 }],
    });
    expect(await violationsOf(serverErrorBackoff(), ctx(log))).toEqual([]);
    expect(await violationsOf(retryAfterHonoured(), ctx(log))).toHaveLength(1);
  });

  it('breaks when a 5xx is retried sooner, with a configurable floor', async () => {
    const log = facts([call(10, 502), call(60, 200)]);
    expect(await violationsOf(serverErrorBackoff(), ctx(log))).toHaveLength(1);
    expect(await serverErrorBackoff({ serverErrorMinBackoffMs: 40 }).check(ctx(log))).toEqual([]);
  });

  it('reads a 2xx the target gave up waiting for as no answer: its retries and a redelivery’s attempt stay apart', async () => {
    // The first request timed out on a held 200 (committed upstream), retried through three 500s;
    // the client's redelivery, waiting on the key, then took over at once. Two requests, no early retry.
    const gaveUp = call(0, 200, { fault: 'timeout', endedAtMs: 600, clientGaveUpAtMs: 300 });
    const log = facts([gaveUp, call(405, 500), call(610, 500), call(1015, 500), call(1030, 200)], {
      triggers: [{ subject: 'ord_1', startedAtMs: 0 }, { subject: 'ord_1', startedAtMs: 5 }],
    });
    expect(await violationsOf(serverErrorBackoff(), ctx(log))).toEqual([]);
    expect(await violationsOf(retriesBounded(), ctx(log))).toEqual([]);
  });
});

describe('upstream-retries-bounded', () => {
  const spaced = (n: number) => Array.from({ length: n }, (_, i) => call(i * 200, i === n - 1 ? 200 : 503));
  it('holds for five attempts', async () => {
    expect(await violationsOf(retriesBounded(), ctx(facts(spaced(5))))).toEqual([]);
  });

  it('breaks for six attempts in one request', async () => {
    const [v] = await violationsOf(retriesBounded(), ctx(facts(spaced(6))));
    expect(v?.message).toContain('attempted 6 times in one request');
  });

  it('counts a redelivery as a new request', async () => {
    const log = facts(spaced(8), { triggers: [{ subject: 'ord_1', startedAtMs: 0 }, { subject: 'ord_1', startedAtMs: 700 }] });
    expect(await violationsOf(retriesBounded(), ctx(log))).toEqual([]);
  });
});

describe('upstream-retries-same-idempotency-key', () => {
  it('holds when every attempt carries the same key', async () => {
    expect(await violationsOf(retriesCarrySameKey(), ctx(facts([call(10, 'dropped'), call(200, 200)])))).toEqual([]);
  });

  it('breaks when a retry after a lost answer has a new key', async () => {
    const [v] = await violationsOf(retriesCarrySameKey(), ctx(facts([call(10, 'dropped'), call(200, 200, { idempotencyKey: 'k2' })])));
    expect(v?.message).toContain('new Idempotency-Key (k1 → k2)');
  });

  it('breaks when retries carry no key at all', async () => {
    const [v] = await violationsOf(retriesCarrySameKey(), ctx(facts([call(10, 503, { idempotencyKey: undefined }), call(200, 200, { idempotencyKey: undefined })])));
    expect(v?.message).toContain('without an Idempotency-Key');
  });

  it('does not take a 2xx the target never received for a definite answer', async () => {
    const gaveUp = call(10, 200, { fault: 'timeout', endedAtMs: 600, clientGaveUpAtMs: 310 });
    const [v] = await violationsOf(retriesCarrySameKey(), ctx(facts([gaveUp, call(700, 200, { idempotencyKey: 'k2' })])));
    expect(v?.message).toContain('new Idempotency-Key (k1 → k2)');
  });

  it('allows a new key once an attempt got a definite answer', async () => {
    expect(await violationsOf(retriesCarrySameKey(), ctx(facts([call(10, 402), call(200, 200, { idempotencyKey: 'k2' })])))).toEqual([]);
  });
});

describe('upstream-ledger-agrees', () => {
  const entry = (kind: 'charge' | 'refund', id: string, amountMinor: number, ref: string): PspLedgerEntry => ({
    kind,
    id,
    amountMinor,
    currency: 'myr',
    metadata: kind === 'charge' ? { order_ref: ref } : { refund_ref: ref },
    atMs: 0,
  });

  it('holds when the PSP and the target booked the same money per reference', async () => {
    const log = facts([], { pspLedger: [entry('charge', 'pi_1', 500, 'ord_1'), entry('refund', 're_1', 200, 'rf_1')], pspSubjects: ['ord_1', 'rf_1'] });
    expect(await violationsOf(upstreamLedgerAgrees(), ctx(log, ledgerOf({ ord_1: 500, rf_1: -200 })))).toEqual([]);
  });

  it('breaks when the PSP charged twice but the target booked once', async () => {
    const log = facts([], { pspLedger: [entry('charge', 'pi_1', 500, 'ord_1'), entry('charge', 'pi_2', 500, 'ord_1')] });
    const [v] = await violationsOf(upstreamLedgerAgrees(), ctx(log, ledgerOf({ ord_1: 500 })));
    expect(v?.message).toContain('ord_1: made 2 times upstream');
  });

  it('breaks when the target booked a charge the PSP never made', async () => {
    const [v] = await violationsOf(upstreamLedgerAgrees(), ctx(facts([], { pspSubjects: ['ord_9'] }), ledgerOf({ ord_9: 700 })));
    expect(v?.message).toContain('booked locally with no charge or refund upstream');
  });
});
