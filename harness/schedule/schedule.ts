/**
 * A schedule is plain data: which recorded exchanges are delivered, in what order, which ones
 * concurrently, and which deliveries lose their acknowledgement. Faults never mutate a schedule;
 * they produce edits that `applyEdits` (faults/edits.ts) turns into a new one, so fast-check can
 * shrink the edits and a failure replays from its seed and path. This module knows no fault:
 * `faults/` builds on it, never the other way round.
 */
import type { RequestVariant } from '../providers/provider.ts';

export interface Delivery {
  /** Index into the scenario tape's exchanges (0-based). */
  exchange: number;
  /** Abort the request client-side this many ms after it is sent: the target may have committed, the provider never saw the answer. */
  abortAfterMs?: number;
  /**
   * How long the provider waits before sending this delivery (a retry's back-off: Billplz waits
   * 15 s, 15 min, 15 min, 24 h), as data. Replay sleeps `delayMs × timeScale` (default scale 0:
   * recorded, not waited).
   */
  delayMs?: number;
  /**
   * Real milliseconds replay waits (on its clock) before sending this, whatever the time scale: a
   * wait set against the target's own timers, already scaled (an idempotency key's lifetime).
   */
  waitMs?: number;
  /** Sent differently from its recording (a client fault): the same key with another payload, or no key. */
  variant?: RequestVariant;
  /**
   * A client's retry: waits the sender's retry timing (`Provider.retry`) for retry number `retry`
   * (0-based) with `jitter` (0..1) as the jitter draw, and is not sent at all once the exchange
   * has been acknowledged (a client stops retrying once it has its answer).
   */
  backoff?: {
    retry: number;
    jitter: number;
    /** The client goes on retrying (its timing's later retries, jitter hashed) until answered or out of attempts, before the schedule moves on. */
    untilAnswered?: true;
  };
  /**
   * The target is killed (SIGKILL) while this delivery is in flight and started again before the
   * schedule goes on: the crash-restart fault. Its answer, if any, is never seen.
   */
  crash?: DeliveryCrash;
  /**
   * The worker-crash fault: from the moment this delivery is sent, the target's next ledger write
   * is held; once the delivery is answered and a job is held there (or the queues are idle), every
   * harness-owned worker is killed (SIGKILL) and started again no sooner than `downtimeMs` later.
   */
  workerCrash?: { downtimeMs: number };
  /** The redis-drop fault: once this delivery is answered, the target's named Redis connections are killed (it reconnects). */
  redisDrop?: true;
  /**
   * The provider sends this only after the target has finished all it had (a redelivery hours
   * later, when a queue-backed target's jobs are long done): replay first waits for the target to
   * be quiet (`ReplayOptions.quiesce`; nothing to wait for without it).
   */
  afterQuiet?: true;
}

/**
 * When an injected crash kills the target: `answered` once its answer has arrived (thrown away:
 * a lost answer and a crash), `upstream-call` once it calls a simulated provider API (held
 * unanswered; after the request's answer if it makes no such call).
 */
export type CrashPoint = 'answered' | 'upstream-call';

export interface DeliveryCrash {
  when: CrashPoint;
  /** The next delivery comes no sooner than this after the kill. */
  downtimeMs: number;
}

export type Step =
  | { kind: 'send'; delivery: Delivery }
  | { kind: 'concurrent'; deliveries: Delivery[] };

export interface Schedule {
  steps: Step[];
}

/** The schedule a provider would produce with no faults: every exchange once, in tape order. */
export function cleanSchedule(exchangeCount: number): Schedule {
  return {
    steps: Array.from({ length: exchangeCount }, (_, exchange) => ({
      kind: 'send' as const,
      delivery: { exchange },
    })),
  };
}

/** The exchanges a step delivers, in order (a concurrent group may repeat one). */
export function stepExchanges(step: Step): number[] {
  return step.kind === 'send' ? [step.delivery.exchange] : step.deliveries.map((d) => d.exchange);
}

/** The step's delivery, or a concurrent group's first one (the one a lost ack aborts). */
export function firstDelivery(step: Step): Delivery {
  return step.kind === 'send' ? step.delivery : step.deliveries[0]!;
}

function formatDelay(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}

function crashNote(crash: DeliveryCrash | undefined): string {
  if (crash === undefined) return '';
  const when = crash.when === 'answered' ? 'after it answered (answer lost)' : 'at its upstream call';
  return `  [target killed (SIGKILL) ${when}, restarted; next delivery ≥ ${formatDelay(crash.downtimeMs)} later]`;
}

/** What a worker fault does after a delivery, for schedules as printed. */
function workerNote(d: Delivery): string {
  const crash =
    d.workerCrash === undefined
      ? ''
      : `  [then every worker killed (SIGKILL) with its job active at its next ledger write, restarted ≥ ${formatDelay(d.workerCrash.downtimeMs)} later: the stalled job runs again]`;
  const drop = d.redisDrop === true ? "  [then the target's Redis connections dropped]" : '';
  return crash + drop;
}

function variantNote(d: Delivery): string {
  const backoff = d.backoff === undefined ? '' : `  [client retry ${d.backoff.retry + 1}${d.backoff.untilAnswered === true ? ' and on' : ''} after its backoff, until answered]`;
  if (d.variant === undefined) return backoff;
  const what =
    d.variant.kind === 'missing-key'
      ? 'without its idempotency key'
      : d.variant.kind === 'forged-headers'
        ? `same key and payload, forged ${Object.entries(d.variant.headers).map(([k, v]) => `${k}: ${v}`).join(', ')}`
        : d.variant.kind === 'after-key-expiry'
          ? `same key and payload, ${d.waitMs === undefined ? 'after' : `${formatDelay(d.waitMs)} later, past`} the key's lifetime: a new request`
          : `same key, other ${d.variant.field}`;
  return `  [${what}]${backoff}`;
}

/** Human-readable one line per step, for the console and reports. */
export function describeSchedule(schedule: Schedule, label: (exchange: number) => string): string[] {
  return schedule.steps.map((step, i) => {
    const n = String(i + 1).padStart(3);
    if (step.kind === 'send') {
      const abort =
        step.delivery.abortAfterMs === undefined ? '' : `  [ack lost: abort after ${step.delivery.abortAfterMs} ms]`;
      const delay = step.delivery.delayMs === undefined ? '' : `  [after ${formatDelay(step.delivery.delayMs)}]`;
      const late = step.delivery.afterQuiet === true ? '  [once the target went quiet: its earlier work done]' : '';
      return `${n}. ${label(step.delivery.exchange)}${abort}${delay}${late}${variantNote(step.delivery)}${crashNote(step.delivery.crash)}${workerNote(step.delivery)}`;
    }
    const distinct = [...new Set(step.deliveries.map((d) => d.exchange))];
    const crash = crashNote(step.deliveries[0]!.crash) + workerNote(step.deliveries[0]!);
    if (distinct.length > 1) return `${n}. concurrently: ${distinct.map(label).join(' + ')}${crash}`;
    return `${n}. concurrently ×${step.deliveries.length}: ${label(step.deliveries[0]!.exchange)}${crash}`;
  });
}

export const scheduleExchanges = (schedule: Schedule): number[] => schedule.steps.flatMap(stepExchanges);
