import { describe, expect, it } from 'vitest';
import type { UpstreamCallRecord } from '../simulator/call-log.ts';
import { leftoverWork, refusedSubjects, upstream, upstreamCallsOf, waitForLateCalls } from './extension.ts';
import type { UpstreamFacts } from './facts.ts';
import type { Session } from '../runner/session.ts';
import { DEFAULT_RETRY_POLICY } from './invariants/policy.ts';

const call = (over: Partial<UpstreamCallRecord>): UpstreamCallRecord => ({
  seq: 0,
  route: 'shopee.escrow_detail',
  method: 'GET',
  path: '/api/v2/payment/get_escrow_detail',
  subject: '220810QSK8S7BX',
  operation: 'shopee.escrow_detail:220810QSK8S7BX',
  startedAtMs: 1020,
  endedAtMs: 1030,
  outcome: 'answered',
  status: 200,
  time: '2026-12-02T00:00:00.000Z',
  ...over,
});

describe('upstreamCallsOf', () => {
  it("puts the calls on the replay's clock with the fault injected and what the target saw", () => {
    const calls = upstreamCallsOf({
      replayStartedAtMs: 1000,
      calls: [
        call({}),
        call({ seq: 1, startedAtMs: 1040.26, status: 429, fault: 'throttle' }),
        call({ seq: 2, startedAtMs: 1100, outcome: 'dropped', status: undefined, fault: 'lost-answer' }),
        call({ seq: 3, startedAtMs: 1200, endedAtMs: 1900, clientGaveUpAtMs: 1500, fault: 'timeout' }),
      ],
    });

    expect(calls).toEqual([
      { atMs: 20, method: 'GET', path: '/api/v2/payment/get_escrow_detail', status: 200 },
      { atMs: 40.3, method: 'GET', path: '/api/v2/payment/get_escrow_detail', status: 429, fault: 'throttle' },
      { atMs: 100, method: 'GET', path: '/api/v2/payment/get_escrow_detail', fault: 'lost-answer', error: 'connection dropped' },
      { atMs: 200, method: 'GET', path: '/api/v2/payment/get_escrow_detail', fault: 'timeout', error: 'gave up before the 200 answer' },
    ]);
  });
});

describe('waitForLateCalls', () => {
  /** A clock that records what was slept and advances by it, without waiting. */
  const fakeClock = () => {
    let now = 0;
    const slept: number[] = [];
    return { slept, clock: { now: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)) } };
  };
  const upstream = (calls: unknown[] = []) => ({ idle: async () => undefined, calls });

  it('waits for nothing more when no delivery was aborted', async () => {
    const { slept, clock } = fakeClock();
    await waitForLateCalls({ target: {}, upstream: upstream(), aborted: false, clock });
    expect(slept).toEqual([]);
  });

  it("after aborts, waits on a target's in-flight count instead of a quiet period", async () => {
    const { slept, clock } = fakeClock();
    const counts = [2, 1, 1, 0];
    await waitForLateCalls({ target: { inFlight: () => counts.shift() ?? 0 }, upstream: upstream(), aborted: true, quietMs: 1000, clock });
    expect(slept).toEqual([5, 5, 5]);
  });

  it('after aborts, without an in-flight count, waits until the upstream saw no call for quietMs', async () => {
    const { slept, clock } = fakeClock();
    const calls: unknown[] = [];
    const late = { idle: async () => void (calls.length < 2 && calls.push({})), calls };
    await waitForLateCalls({ target: {}, upstream: late, aborted: true, quietMs: 300, clock });
    // One call came before the first wait and one during it; the second wait was quiet.
    expect(slept).toEqual([300, 300]);
  });
});

describe('refusedSubjects (refusalsEndWork)', () => {
  const { noRetryAfter } = DEFAULT_RETRY_POLICY;
  it('excuses a subject refused and never answered 2xx', () => {
    const excuses = refusedSubjects([call({ seq: 3, status: 401 })], noRetryAfter);
    expect(excuses).toEqual([{ reference: '220810QSK8S7BX', reason: expect.stringContaining('answered 401 (call 3) and never 2xx') }]);
  });
  it('does not excuse a subject another call fetched, whichever came last (two jobs of one order)', () => {
    expect(refusedSubjects([call({ seq: 1, startedAtMs: 50, status: 401 }), call({ seq: 0, startedAtMs: 40, status: 200 })], noRetryAfter)).toEqual([]);
  });
  it('does not excuse what the policy retries (429, 5xx, 409) or a call whose answer the target never saw', () => {
    const calls = [429, 503, 409].map((status, seq) => call({ seq, status }));
    calls.push(call({ seq: 9, outcome: 'dropped', status: undefined }));
    expect(refusedSubjects(calls, noRetryAfter)).toEqual([]);
  });
});

describe('leftoverWork', () => {
  it('stops a schedule the previous one’s work still called out in, naming the call', () => {
    expect(() => leftoverWork([call({ startedAtMs: 990 }), call({ startedAtMs: 1020 })], 1000)).toThrow(
      /called GET \/api\/v2\/payment\/get_escrow_detail before this schedule's first delivery/,
    );
    expect(() => leftoverWork([call({ startedAtMs: 1020 })], 1000)).not.toThrow();
  });
});

describe('upstream() on several sessions at once (the mutation matrix’s copies share one scenario)', () => {
  it('keeps each session’s replay start: another session’s schedule does not move it', async () => {
    const ext = upstream({});
    const fakeSession = () =>
      ({ config: { target: { quiescence: { probes: [] } } }, upstream: { calls: [], serves: () => false, use: () => {} } }) as unknown as Session;
    const a = fakeSession();
    const b = fakeSession();
    const ctx = (session: Session) => ({ session, tape: { header: {}, exchanges: [] }, events: [], schedule: { steps: [] }, deliveries: [] }) as never;
    await ext.before(ctx(a), undefined);
    const aStart = performance.now();
    await new Promise((r) => setTimeout(r, 5));
    await ext.before(ctx(b), undefined);
    const facts = (await ext.after(ctx(a), undefined)) as UpstreamFacts;
    expect(facts.replayStartedAtMs).toBeLessThanOrEqual(aStart);
  });
});
