import type fc from 'fast-check';
import { IdemgateError } from '../errors.ts';
import type { Invariant } from '../invariants/invariant.ts';
import { pspApi } from '../providers/psp/api.ts';
import { upstreamInvariants, type ClientKeyedRequest } from './invariants/index.ts';
import type { RetryPolicy } from './invariants/policy.ts';
import { defineExtension, type Excuse, type ScenarioExtension } from '../runner/extension.ts';
import type { Tape } from '../tape/schema.ts';
import { systemClock, type Clock } from '../replay/index.ts';
import type { RunningTarget } from '../targets/types.ts';
import { UPSTREAM_FACTS, type UpstreamFacts, type UpstreamTrigger } from './facts.ts';
import { seenByTarget, type UpstreamCallRecord } from '../simulator/call-log.ts';
import { retryPolicy } from './invariants/policy.ts';
import type { OutboundCall } from '../runner/result.ts';
import { createFaultLayer } from './fault-layer.ts';
import {
  longestRetryAfterMs,
  upstreamFaultPlan,
  type UpstreamFaultOptions,
  type UpstreamFaultPlan,
} from './fault-plan.ts';

export interface UpstreamExtensionOptions extends UpstreamFaultOptions {
  /** The retry policy the invariants judge by; default: the seed's (see `RetryPolicy`). */
  policy?: Partial<RetryPolicy>;
  /** Replaces the upstream invariants (see `upstreamInvariants`). */
  invariants?: Invariant[];
  /** Tape providers whose effects are PSP operations (their money must agree with the PSP's). Default `['merchant-client']`. */
  pspProviders?: string[];
  /** Longest wait for held upstream answers after a schedule. Default 10 000 ms. */
  idleTimeoutMs?: number;
  /**
   * After a schedule with aborted deliveries, wait until the upstream has seen no call for this
   * long, so a target still retrying for an abandoned request finishes before the next schedule
   * (a child-process target cannot say when it is done). It must be longer than the target's
   * longest wait between two attempts, or a late retry lands in the next schedule's call log with
   * no delivery to explain it (seen as a false "retried after 4xx" under CPU load). Default 1000 ms.
   * Not waited for a target that reports `inFlight`: it says when its handlers are done.
   */
  quietMs?: number;
  /** What the waits after a schedule sleep by (a test's fake clock). Default the real one. */
  clock?: Clock;
  /**
   * The target ends the work a refusal stopped, as "never retry a 401" asks of a queue worker: the
   * job fails for good and its effect is not booked (an operator re-drives it). An expected effect
   * whose subject's last upstream call was refused (a status the policy never retries) is then
   * excused — expected neither in the books nor in the clean replay's — and counted in the result.
   * Default false: the work must still get done (a provider's redelivery runs it again).
   */
  refusalsEndWork?: boolean;
}

/**
 * The effects a target that ends refused work was right not to book: those whose subject had a
 * call refused with a status `noRetryAfter` names and no call answered 2xx (with one success the
 * target had what it needed, whatever else was refused).
 *
 * @example
 * refusedSubjects(calls, (s) => s === 401); // [{ reference: 'SN1', reason: 'shopee.escrow_detail answered 401 (call 3) …' }]
 */
export function refusedSubjects(calls: readonly UpstreamCallRecord[], noRetryAfter: (status: number) => boolean): Excuse[] {
  const refused = new Map<string, UpstreamCallRecord>();
  const succeeded = new Set<string>();
  for (const call of calls) {
    const status = seenByTarget(call).status;
    if (status === undefined) continue;
    if (status >= 200 && status < 300) succeeded.add(call.subject);
    else if (noRetryAfter(status) && !refused.has(call.subject)) refused.set(call.subject, call);
  }
  return [...refused]
    .filter(([subject]) => !succeeded.has(subject))
    .map(([subject, call]) => ({
      reference: subject,
      reason: `${call.operation} answered ${seenByTarget(call).status} (call ${call.seq}) and never 2xx; the target ends work a refusal stopped`,
    }));
}

/**
 * After a schedule: waits for held upstream answers, and after aborted deliveries for the target's
 * abandoned requests to finish their upstream calls. A target that counts its requests until their
 * handlers are done (`inFlight`, retries included) says when no late call can come; for any other
 * the upstream must have seen no call for `quietMs`.
 */
export async function waitForLateCalls(options: {
  target: Pick<RunningTarget, 'inFlight'>;
  upstream: { idle(timeoutMs: number): Promise<void>; readonly calls: readonly unknown[] };
  aborted: boolean;
  quietMs?: number;
  idleTimeoutMs?: number;
  clock?: Clock;
}): Promise<void> {
  const { target, upstream, clock = systemClock } = options;
  const idleMs = options.idleTimeoutMs ?? 10_000;
  await upstream.idle(idleMs);
  if (!options.aborted) return;
  const deadline = clock.now() + idleMs;
  const inFlight = target.inFlight;
  if (inFlight !== undefined) {
    while (inFlight() > 0 && clock.now() < deadline) await clock.sleep(IN_FLIGHT_POLL_MS);
    await upstream.idle(idleMs);
    return;
  }
  for (let seen = -1; seen !== upstream.calls.length && clock.now() < deadline; ) {
    seen = upstream.calls.length;
    await clock.sleep(options.quietMs ?? 1000);
    await upstream.idle(idleMs);
  }
}

/**
 * Throws TARGET_NOT_QUIESCENT when the target called out after the reset but before this schedule's
 * first delivery: work of the previous schedule still ran after the target's quiescence probes said
 * it was done (a queue worker that lost a job's lock while CPU-starved, so BullMQ ran it twice).
 * Judging such a schedule would charge the stray calls, and the faults they took, to this one.
 */
export function leftoverWork(calls: readonly Pick<UpstreamCallRecord, 'startedAtMs' | 'method' | 'path'>[], replayStartMs: number): void {
  const stray = calls.filter((c) => c.startedAtMs < replayStartMs);
  if (stray.length === 0) return;
  const first = stray[0]!;
  throw new IdemgateError(
    'TARGET_NOT_QUIESCENT',
    `the target called ${first.method} ${first.path}${stray.length > 1 ? ` (and ${stray.length - 1} more)` : ''} before this schedule's first delivery: work of the previous schedule was still running after target.quiescence said it was done. A queue worker starved of CPU can lose a job's lock and run it twice: give its jobs a longer lock (BullMQ lockDuration) or add a probe that sees its work in progress`,
    { details: { probe: 'upstream calls', lastAnswer: `${stray.length} call(s) before the replay`, waitedMs: 0 } },
  );
}

/** Between two polls of a target's in-flight count. */
const IN_FLIGHT_POLL_MS = 5;

/**
 * Upstream faults next to the delivery faults: per schedule fast-check draws a fault plan (plain
 * data: which call of which simulated route gets a 429, a 5xx, a held answer, a reset, a 401 or a
 * lost answer), a fault layer installed in front of the simulated APIs for that schedule
 * (`upstream.use`) applies it, and the upstream invariants judge the call log, the
 * PSP's own ledger and the answers the target gave its clients' Idempotency-Keys. The clean
 * baseline run gets no faults.
 *
 * @example
 * defineScenario({
 *   name: 'upstream-charges',
 *   tapes: ['fixtures/tapes/merchant-client.jsonl'],
 *   faults: [sequentialDuplicates({ maxGap: 2 })],
 *   extensions: [upstream({ rateLimit: true, serverErrors: true, timeouts: { delayMs: 600 }, resets: true, lostAnswers: true })],
 * });
 */
export function upstream(options: UpstreamExtensionOptions = {}): ScenarioExtension {
  const pspProviders = new Set(options.pspProviders ?? ['merchant-client']);
  const { noRetryAfter } = retryPolicy(options.policy);
  // The replay's clock starts right after `before`; deliveries' times are relative to it.
  // Per session: one scenario (and this extension) runs on several sessions at once in one process
  // (the mutation matrix's copies), and one session's start must not move another's clock.
  const replayStarts = new WeakMap<object, number>();

  return defineExtension({
    key: UPSTREAM_FACTS,
    draw: (): fc.Arbitrary<UpstreamFaultPlan> => upstreamFaultPlan(options),
    before: async ({ session }, plan) => {
      // The session's reset before each schedule removed the previous schedule's layer.
      const faults = plan ?? [];
      if (faults.length > 0) {
        const timeScale = session.config.target.timeScale ?? 1;
        session.upstream.use(createFaultLayer({ upstream: session.upstream, plan: faults, timeScale }));
      }
      replayStarts.set(session, performance.now());
    },
    after: async ({ session, tape, events, deliveries }): Promise<UpstreamFacts> => {
      const replayStartMs = replayStarts.get(session) ?? 0;
      // A target with a quiescence probe has said its work is done (the runner waited for it).
      if (session.config.target.quiescence !== undefined) leftoverWork(session.upstream.calls, replayStartMs);
      else await waitForLateCalls({
        target: session.target,
        upstream: session.upstream,
        aborted: deliveries.some((d) => d.result === 'aborted' || d.result === 'timeout'),
        ...options,
      });
      const triggers: UpstreamTrigger[] = [];
      const pspSubjects = new Set<string>();
      const clientRequests = new Map<number, ClientKeyedRequest>();
      for (const delivery of deliveries) {
        const event = events[delivery.exchange];
        const subject = event?.effect?.reference;
        const key = idempotencyKeyOf(tape, delivery.exchange);
        if (key !== undefined) {
          let request = clientRequests.get(delivery.exchange);
          if (request === undefined) {
            request = {
              exchange: delivery.exchange,
              seq: tape.exchanges[delivery.exchange]!.seq,
              provider: delivery.provider,
              idempotencyKey: key,
              ...(subject === undefined ? {} : { subject }),
              answers: [],
            };
            clientRequests.set(delivery.exchange, request);
          }
          request.answers.push({
            step: delivery.step,
            origin: delivery.origin,
            result: delivery.result,
            ...(delivery.status === undefined ? {} : { status: delivery.status }),
            ...(delivery.body === undefined ? {} : { body: delivery.body }),
            startedAtMs: replayStartMs + delivery.startedAtMs,
            endedAtMs: replayStartMs + delivery.startedAtMs + delivery.durationMs,
          });
        }
        if (subject === undefined) continue;
        triggers.push({ subject, startedAtMs: replayStartMs + delivery.startedAtMs });
        if (pspProviders.has(event!.provider)) pspSubjects.add(subject);
      }
      return {
        clientRequests: [...clientRequests.values()],
        calls: session.upstream.calls.map((c) => ({ ...c })),
        pspLedger: session.upstream.serves(pspApi) ? session.upstream.state(pspApi).ledger.map((e) => ({ ...e })) : [],
        triggers,
        pspSubjects: [...pspSubjects],
        longestRetryAfterMs: longestRetryAfterMs(options),
        replayStartedAtMs: replayStartMs,
      };
    },
    invariants: options.invariants ?? upstreamInvariants(options.policy),
    calls: upstreamCallsOf,
    ...(options.refusalsEndWork === true ? { excuses: (facts: UpstreamFacts) => refusedSubjects(facts.calls, noRetryAfter) } : {}),
  });
}

/**
 * The upstream calls of one schedule as the reports draw them: on the replay's clock, with the
 * fault that was injected and what the target saw when it got no answer.
 *
 * @example
 * upstreamCallsOf({ ...facts, replayStartedAtMs: 1000, calls: [{ startedAtMs: 1020, status: 429, fault: 'throttle', … }] });
 * // [{ atMs: 20, method: 'GET', path: '/api/v2/payment/get_escrow_detail', status: 429, fault: 'throttle' }]
 */
export function upstreamCallsOf(facts: Pick<UpstreamFacts, 'calls' | 'replayStartedAtMs'>): OutboundCall[] {
  return facts.calls.map((call) => {
    const seen = seenByTarget(call);
    const gaveUp = seen.status === undefined && call.outcome === 'answered';
    return {
      atMs: Math.max(0, Math.round((call.startedAtMs - facts.replayStartedAtMs) * 10) / 10),
      method: call.method,
      path: call.path,
      ...(seen.status === undefined ? {} : { status: seen.status }),
      ...(call.fault === undefined ? {} : { fault: call.fault }),
      ...(call.outcome === 'dropped' ? { error: 'connection dropped' } : gaveUp ? { error: `gave up before the ${call.status} answer` } : {}),
    };
  });
}

/** The Idempotency-Key a tape exchange carries (any header case), if any. */
function idempotencyKeyOf(tape: Tape, index: number): string | undefined {
  const headers = tape.exchanges[index]?.headers ?? {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'idempotency-key') continue;
    const key = Array.isArray(value) ? value[0] : value;
    return key === undefined || key === '' ? undefined : key;
  }
  return undefined;
}
