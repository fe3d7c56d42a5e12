import type { FactsReader } from '../../invariants/facts.ts';
import { seenByTarget, type UpstreamCallRecord } from '../../simulator/call-log.ts';
import { UPSTREAM_FACTS, type UpstreamFacts } from '../facts.ts';
import { groupBy } from '../../invariants/evidence.ts';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './policy.ts';

/** The calls one request made for one operation: a first attempt and its retries, in order. */
export type AttemptSequence = UpstreamCallRecord[];

/**
 * Splits each operation's calls into attempt sequences (one request's first attempt and its
 * retries). A call continues one of the operation's sequences (the latest that fits) when it is a
 * retry the policy allows there; otherwise it starts a new sequence if a delivery that may trigger the operation (same
 * subject) started before it and is not used up yet; otherwise it is a retry that breaks the
 * policy. Deliveries are spent only when needed, so concurrent or repeated deliveries explain as
 * much as they can: what is left is a real violation.
 */
export function attemptSequences(
  facts: Pick<UpstreamFacts, 'calls' | 'triggers' | 'longestRetryAfterMs'>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Map<string, AttemptSequence[]> {
  const triggersBySubject = groupBy(facts.triggers, (t) => t.subject);
  const floor = policy.serverErrorMinBackoffMs ?? facts.longestRetryAfterMs;
  const succeeded = (call: UpstreamCallRecord): boolean => {
    const status = seenByTarget(call).status;
    return status !== undefined && status >= 200 && status < 300;
  };
  const allowedRetry = (sequence: AttemptSequence, call: UpstreamCallRecord): boolean => {
    const previous = sequence.at(-1)!;
    const seen = seenByTarget(previous);
    if (sequence.length >= policy.maxAttempts) return false;
    if (succeeded(previous)) return false;
    if (seen.status !== undefined && policy.noRetryAfter(seen.status)) return false;
    const waited = call.startedAtMs - seen.endedAtMs + policy.toleranceMs;
    if (seen.status === 429 && previous.retryAfterMs !== undefined && waited < previous.retryAfterMs) return false;
    if (seen.status !== undefined && seen.status >= 500 && waited < floor) return false;
    return true;
  };
  const result = new Map<string, AttemptSequence[]>();
  for (const [operation, unsorted] of groupBy(facts.calls, (c) => c.operation)) {
    const calls = [...unsorted].sort((a, b) => a.startedAtMs - b.startedAtMs || a.seq - b.seq);
    const starts = (triggersBySubject.get(calls[0]!.subject) ?? []).map((t) => t.startedAtMs);
    const sequences: AttemptSequence[] = [];
    let used = 0;
    for (const call of calls) {
      const current = sequences.at(-1);
      const available = starts.filter((s) => s <= call.startedAtMs).length - used;
      // Concurrent requests for one subject (two queued jobs of one order) each retry on their own
      // clock: a call continues whichever open sequence, latest first, it is an allowed retry of.
      const continued = sequences.findLast((sequence) => allowedRetry(sequence, call));
      if (continued !== undefined) {
        continued.push(call);
      } else if (current === undefined || available > 0) {
        if (available > 0) used += 1;
        sequences.push([call]);
      } else {
        // A retry no sequence allows and no delivery explains: the violation is charged to the
        // request that has waited longest for an answer (the oldest open sequence), as concurrent
        // requests that fail together retry in the order they failed.
        const open = sequences.filter((sequence) => !succeeded(sequence.at(-1)!));
        (open.length > 0 ? open.reduce((a, b) => (a.at(-1)!.startedAtMs <= b.at(-1)!.startedAtMs ? a : b)) : current).push(call);
      }
    }
    result.set(operation, sequences);
  }
  return result;
}

/** The facts the upstream extension left for its invariants, or undefined when it is not in the scenario. */
export const upstreamFacts = (facts: FactsReader): UpstreamFacts | undefined => facts(UPSTREAM_FACTS);

/** One call as evidence. */
export const callRow = (c: UpstreamCallRecord): Record<string, unknown> => ({
  seq: c.seq,
  route: c.route,
  subject: c.subject,
  ...(c.idempotencyKey === undefined ? {} : { idempotencyKey: c.idempotencyKey }),
  ...(c.fault === undefined ? {} : { fault: c.fault }),
  outcome:
    c.outcome === 'dropped'
      ? 'connection dropped'
      : seenByTarget(c).status === undefined
        ? `${c.status} after the client gave up`
        : String(c.status),
  ...(c.retryAfterMs === undefined ? {} : { retryAfterMs: c.retryAfterMs }),
  startedAtMs: Math.round(c.startedAtMs * 10) / 10,
  endedAtMs: Math.round(c.endedAtMs * 10) / 10,
  ...(c.clientGaveUpAtMs === undefined ? {} : { clientGaveUpAtMs: Math.round(c.clientGaveUpAtMs * 10) / 10 }),
});

/** Pairs (previous attempt, retry) of every sequence. */
export function* retries(sequences: Map<string, AttemptSequence[]>): Generator<[UpstreamCallRecord, UpstreamCallRecord]> {
  for (const list of sequences.values()) {
    for (const sequence of list) {
      for (let i = 1; i < sequence.length; i++) yield [sequence[i - 1]!, sequence[i]!];
    }
  }
}
