import { Pool } from 'undici';
import { IdemgateError } from '../errors.ts';
import type { Provider, ProviderSecrets } from '../providers/provider.ts';
import type { Delivery, DeliveryCrash, Schedule } from '../schedule/schedule.ts';
import type { Tape } from '../tape/schema.ts';
import { systemClock, type Clock } from './clock.ts';
import { backoffMs, sweepJitter } from './backoff.ts';
import { sendRequest, type HttpResult } from './deliver.ts';
import type { DeliveryOutcome } from './outcome.ts';
import { gapWaitMs, recordedGaps, type RecordedTiming } from './timing.ts';

export interface ReplayOptions {
  tape: Tape;
  /** Resolves a tape exchange's `provider` name to its adapter. */
  providers: (name: string) => Provider;
  /** The target's base URL (loopback), e.g. `http://127.0.0.1:3000`; a path prefix is kept. */
  baseUrl: string;
  /** Path on the target per provider name. Default: the exchange's recorded path. */
  endpoints?: Readonly<Record<string, string>>;
  secrets: Readonly<Record<string, ProviderSecrets>>;
  /** Per-request timeout; the request is then abandoned with result `timeout`. Default 5000. */
  requestTimeoutMs?: number;
  /** How many provider-retry sweeps after the schedule redeliver what was never acknowledged. Default 3. */
  redeliveryRounds?: number;
  /** Clock for signatures. Default: the wall clock. */
  now?: () => Date;
  /** The target's count of requests still being handled; used to wait for quiescence after aborts. */
  inFlight?: () => number;
  /**
   * Whether the target may still be working, as seen from outside (a transaction open in its
   * database, an upstream call being answered). Without `inFlight`, the replay waits after aborts
   * until this has said no for a few polls in a row, instead of a fixed `settleMs`.
   */
  busy?: () => Promise<boolean>;
  /** Wait after aborted/timed-out requests when neither `inFlight` nor `busy` is available. Default 250. */
  settleMs?: number;
  /** Cancels the replay: in-flight requests are aborted and `replay` rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Ends the replay before its next delivery, leaving requests already sent to finish (or time
   * out): `replay` rejects with the signal's reason. Unlike `signal`, it keeps requests on the
   * lean path (no controller or timer of their own), so it costs nothing until it fires.
   */
  stop?: AbortSignal;
  /**
   * Waits until the target has finished its asynchronous work (the session's quiescence); awaited
   * before a delivery marked `afterQuiet`. Absent: such a delivery is sent at once.
   */
  quiesce?: () => Promise<unknown>;
  /** Real wait per ms of a delivery's `delayMs` (a provider's retry back-off). Default 0: not waited. */
  timeScale?: number;
  /**
   * Replay as recorded: wait the recorded gap before each exchange's first delivery (see
   * `RecordedTiming`), on `clock`. Absent: no gaps, deliveries back to back.
   */
  timing?: RecordedTiming;
  /**
   * What the replayer's own waits (back-offs, settling after aborts, in-flight polling) and its
   * request timings use. Default: the system clock. Signatures use `now` instead.
   */
  clock?: Clock;
  /**
   * Told of every delivery as soon as its outcome is known (the runner checks the target's health
   * on a timeout or a failed connection, and cancels the replay through `signal` if it is down).
   */
  onOutcome?: (outcome: DeliveryOutcome) => void;
  /**
   * Kills the target, runs `whileDown`, and starts it again (`RunningTarget.crashRestart`): what a
   * delivery marked `crash` (the crash-restart fault) needs. Without it such a delivery is FAULT_INVALID.
   */
  crashTarget?: (whileDown: () => Promise<void>) => Promise<void>;
  /**
   * Holds the target's next call to a simulated provider API (`RunningUpstream.holdNextCall`): the
   * `upstream-call` crash point. Without it, or when the target makes no such call, the crash comes
   * after the answer.
   */
  holdUpstreamCall?: () => { readonly called: Promise<void>; release(): void };
  /**
   * The worker-crash fault (`Delivery.workerCrash`): armed before the delivery is sent (the target's
   * next ledger write is held from then on), fired once it is answered (the workers killed and
   * restarted). Without it such a delivery is FAULT_INVALID.
   */
  workerCrash?: (crash: { downtimeMs: number }) => Promise<{ fire(): Promise<void>; disarm(): Promise<void> }>;
  /** The redis-drop fault (`Delivery.redisDrop`), run once the delivery is answered. Without it such a delivery is FAULT_INVALID. */
  dropRedis?: () => Promise<void>;
}

/** What may change from one schedule to the next on a long-lived replayer. */
export type ReplayOverrides = Partial<Omit<ReplayOptions, 'baseUrl'>>;

export interface Replayer {
  /** Delivers one schedule and returns one outcome per request sent, in the order they were started. */
  replay(schedule: Schedule, overrides?: ReplayOverrides): Promise<DeliveryOutcome[]>;
  /** Closes the kept-alive connections. */
  close(): Promise<void>;
}

/** An outcome plus what the unreachable-target check needs. */
type Sent = DeliveryOutcome & { connectFailed: boolean };

/**
 * A replayer that keeps its connections across schedules: one keep-alive connection for
 * sequential sends and, per concurrency width w, a pool of w connections so a concurrent group
 * really arrives at once.
 *
 * @example
 * const replayer = createReplayer({ tape, providers, baseUrl: target.baseUrl, secrets });
 * try {
 *   for (const schedule of schedules) outcomes.push(await replayer.replay(schedule));
 * } finally {
 *   await replayer.close();
 * }
 */
export function createReplayer(options: ReplayOptions): Replayer {
  const base = options.baseUrl.replace(/\/+$/, '');
  let origin: string;
  try {
    origin = new URL(base).origin;
  } catch (e) {
    throw new IdemgateError('CONFIG_INVALID', `target base URL is not a URL: ${options.baseUrl}`, {
      cause: e,
    });
  }
  const pools = new Map<number, Pool>();
  let closed = false;
  const pool = (connections: number): Pool => {
    if (closed) throw new IdemgateError('USAGE', 'the replayer is closed');
    let p = pools.get(connections);
    if (p === undefined) {
      p = new Pool(origin, { connections, pipelining: 1 });
      pools.set(connections, p);
    }
    return p;
  };

  async function replay(schedule: Schedule, overrides: ReplayOverrides = {}): Promise<DeliveryOutcome[]> {
    const opts = { ...options, ...overrides };
    const {
      tape,
      endpoints,
      secrets,
      requestTimeoutMs = 5000,
      redeliveryRounds = 3,
      now = () => new Date(),
      inFlight,
      busy,
      settleMs = 250,
      signal,
      timeScale = 0,
      clock = systemClock,
    } = opts;
    const plan = prepare(schedule, opts);
    const t0 = clock.now();
    const attempts = new Map<number, number>();
    const acknowledged = new Set<number>();
    const outcomes: Sent[] = [];
    // Recorded timing: each exchange's gap, waited before the step that sends it first.
    const gaps = opts.timing === undefined ? undefined : recordedGaps(tape, plan.exchanges);
    const gapOf = new Map<number, number>();

    const cancelled = () => {
      signal?.throwIfAborted();
      opts.stop?.throwIfAborted();
    };

    /** A delivery's wait before it is sent, in real ms: its recorded delay or its client backoff, on the sender's scale. */
    const waitOf = (delivery: Delivery, provider: Provider): number => {
      const scale = provider.retry?.timeScale ?? timeScale;
      let ms = delivery.delayMs ?? 0;
      if (delivery.backoff !== undefined && provider.retry !== undefined) ms += backoffMs(provider.retry, delivery.backoff.retry, delivery.backoff.jitter);
      return ms * scale + (delivery.waitMs ?? 0);
    };

    const deliver = async (
      delivery: Delivery,
      step: number,
      source: DeliveryOutcome['origin'],
      p: Pool,
    ): Promise<Sent | undefined> => {
      const exchange = tape.exchanges[delivery.exchange]!;
      const provider = plan.providers.get(exchange.provider)!;
      // A client stops retrying once it has its answer (checked again after the wait: another
      // delivery of the exchange may have been answered meanwhile).
      const answeredAlready = () => delivery.backoff !== undefined && acknowledged.has(delivery.exchange);
      if (answeredAlready()) return undefined;
      if (delivery.afterQuiet === true && opts.quiesce !== undefined) await opts.quiesce();
      const waitMs = waitOf(delivery, provider);
      if (waitMs > 0) {
        try {
          await clock.sleep(waitMs, signal);
        } catch (e) {
          cancelled(); // a cancelled back-off ends the replay with the signal's reason
          throw e;
        }
      }
      if (answeredAlready()) return undefined;
      const attempt = (attempts.get(delivery.exchange) ?? 0) + 1;
      attempts.set(delivery.exchange, attempt);
      const url = base + (endpoints?.[exchange.provider] ?? exchange.path);
      let signed = provider.sign(exchange, {
        secrets: secrets[exchange.provider]!,
        now: now(),
        url,
        attempt,
      });
      if (delivery.variant !== undefined) {
        if (provider.vary === undefined) {
          throw new IdemgateError('SCHEDULE_INVALID', `step ${step}: provider ${provider.name} cannot send a ${delivery.variant.kind} variant (it has no vary)`);
        }
        signed = provider.vary(exchange, delivery.variant, signed);
      }
      const startedAtMs = clock.now() - t0;
      const target = new URL(url);
      if (signed.query !== undefined) target.search = signed.query;
      const send = () =>
        sendRequest(p, {
          url: target,
          method: exchange.method,
          headers: signed.headers,
          body: signed.body,
          abortAfterMs: delivery.abortAfterMs,
          timeoutMs: requestTimeoutMs,
          cancel: signal,
        });
      const workerFault = await armWorkerFaults(delivery);
      let http: HttpResult;
      try {
        http = delivery.crash === undefined ? await send() : await crashDuring(delivery.crash, send);
      } catch (e) {
        await workerFault?.disarm();
        throw e;
      }
      await workerFault?.fire();
      const durationMs = clock.now() - t0 - startedAtMs;
      const sent = toOutcome(http, provider, {
        step,
        exchange: delivery.exchange,
        attempt,
        origin: source,
        startedAtMs,
        durationMs,
        ...(delivery.variant === undefined ? {} : { variant: delivery.variant }),
        ...(waitMs > 0 ? { waitedMs: waitMs } : {}),
        ...(attempt === 1 && (gapOf.get(delivery.exchange) ?? 0) > 0 ? { gapMs: gapOf.get(delivery.exchange)! } : {}),
      });
      // A variant's answer is not the answer to the recorded request.
      if (sent.acknowledged && delivery.variant === undefined) acknowledged.add(delivery.exchange);
      if (opts.onOutcome !== undefined) {
        const { connectFailed: _, ...outcome } = sent;
        opts.onOutcome(outcome);
      }
      return sent;
    };

    /** The worker faults a delivery carries: armed before it is sent, fired once it is answered. */
    const armWorkerFaults = async (delivery: Delivery): Promise<{ fire(): Promise<void>; disarm(): Promise<void> } | undefined> => {
      if (delivery.workerCrash === undefined && delivery.redisDrop !== true) return undefined;
      const needs = (fault: string, hook: unknown): void => {
        if (hook === undefined) {
          throw new IdemgateError('FAULT_INVALID', `the schedule has a ${fault} fault, but this session cannot inject it (it needs ${fault === 'workerCrash' ? 'target.workers' : 'a Redis store in target.stores'})`, {
            details: { fault },
          });
        }
      };
      if (delivery.workerCrash !== undefined) needs('workerCrash', opts.workerCrash);
      if (delivery.redisDrop === true) needs('redisDrop', opts.dropRedis);
      const crash = delivery.workerCrash === undefined ? undefined : await opts.workerCrash!(delivery.workerCrash);
      return {
        fire: async () => {
          await crash?.fire();
          if (delivery.redisDrop === true) await opts.dropRedis!();
        },
        disarm: async () => crash?.disarm(),
      };
    };

    /**
     * Sends a delivery and kills the target at its crash point (its upstream call, held; else once
     * the answer is in), restarts it, and lets `downtimeMs` pass since the kill before going on.
     */
    let crashed = false;
    const crashDuring = async (crash: DeliveryCrash, send: () => Promise<HttpResult>): Promise<HttpResult> => {
      const restart = opts.crashTarget;
      if (restart === undefined) {
        throw new IdemgateError('FAULT_INVALID', 'the schedule kills the target (crash-restart), but this target cannot be restarted: only a `kind: \'command\'` target can', {
          details: { fault: 'crashRestart' },
        });
      }
      const hold = crash.when === 'upstream-call' ? opts.holdUpstreamCall?.() : undefined;
      const sending = send();
      let atCall = false;
      if (hold === undefined) await sending;
      else atCall = await Promise.race([hold.called.then(() => true), sending.then(() => false)]);
      crashed = true;
      let killedAt = clock.now();
      await restart(async () => {
        killedAt = clock.now();
        // The held call is answered to a dead process; the request sees its connection drop.
        hold?.release();
        await sending;
      });
      // The target is back; the next delivery waits out what is left of the downtime.
      const left = crash.downtimeMs - (clock.now() - killedAt);
      if (left > 0) await clock.sleep(left, signal);
      return { result: 'crashed', at: atCall ? 'at its upstream call' : 'after it answered (answer discarded)' };
    };

    const sentOnly = (xs: readonly (Sent | undefined)[]): Sent[] => xs.filter((x): x is Sent => x !== undefined);
    /** Waits the recorded gaps of the exchanges a step sends for the first time (their sum, for a concurrent group). */
    const waitGaps = async (step: Schedule['steps'][number]): Promise<void> => {
      if (gaps === undefined || opts.timing === undefined) return;
      let ms = 0;
      for (const exchange of step.kind === 'send' ? [step.delivery.exchange] : step.deliveries.map((d) => d.exchange)) {
        if (gapOf.has(exchange)) continue;
        const gap = gapWaitMs(gaps.get(exchange) ?? 0, opts.timing);
        gapOf.set(exchange, gap);
        ms += gap;
      }
      if (ms === 0) return;
      const stops = [signal, opts.stop].filter((s): s is AbortSignal => s !== undefined);
      try {
        await clock.sleep(ms, stops.length === 0 ? undefined : AbortSignal.any(stops));
      } catch (e) {
        cancelled();
        throw e;
      }
    };

    for (const [index, step] of schedule.steps.entries()) {
      cancelled();
      await waitGaps(step);
      if (step.kind === 'send') {
        outcomes.push(...sentOnly([await deliver(step.delivery, index, 'schedule', pool(1))]));
        const chain = step.delivery.backoff;
        if (chain?.untilAnswered === true) {
          const exchange = step.delivery.exchange;
          const attemptsLeft = plan.providers.get(tape.exchanges[exchange]!.provider)!.retry?.attempts ?? 3;
          for (let r = chain.retry + 1; r < attemptsLeft && !acknowledged.has(exchange); r++) {
            cancelled();
            outcomes.push(...sentOnly([await deliver({ exchange, backoff: { retry: r, jitter: sweepJitter(exchange, r) } }, index, 'schedule', pool(1))]));
          }
        }
      } else {
        const group = pool(step.deliveries.length);
        outcomes.push(...sentOnly(await Promise.all(step.deliveries.map((d) => deliver(d, index, 'schedule', group)))));
      }
      if (index === 0) unreachableCheck(outcomes, base);
      if (crashed) {
        // The kept-alive connections went with the killed process.
        crashed = false;
        const stale = [...pools.values()];
        pools.clear();
        await Promise.all(stale.map((p) => p.destroy()));
      }
    }

    let next = schedule.steps.length;
    // Senders with a retry timing (the merchant's clients) retry each unanswered request on its
    // own backoff, all at once as independent clients do; the others sweep with no wait, as before.
    const pendingAfter = plan.exchanges.filter((x) => !acknowledged.has(x));
    const timed = pendingAfter.filter((x) => plan.providers.get(tape.exchanges[x]!.provider)!.retry !== undefined);
    if (timed.length > 0) {
      // One client per entity: a refund is retried only after its payment's retries are over (a
      // client does not refund a payment it has no answer for); different entities' clients retry at once.
      const byGroup = new Map<string, number[]>();
      for (const exchange of timed) {
        const x = tape.exchanges[exchange]!;
        const event = plan.providers.get(x.provider)!.interpret(x, tape);
        const key = `${x.provider}:${event.group ?? event.identity}`;
        byGroup.set(key, [...(byGroup.get(key) ?? []), exchange]);
      }
      const group = pool(byGroup.size);
      const chains = [...byGroup.values()].map(async (exchanges) => {
        const sent: Sent[] = [];
        for (const exchange of exchanges) {
          const retry = plan.providers.get(tape.exchanges[exchange]!.provider)!.retry!;
          for (let r = 0; r < (retry.attempts ?? 3) && !acknowledged.has(exchange); r++) {
            cancelled();
            const out = await deliver({ exchange, backoff: { retry: r, jitter: sweepJitter(exchange, r) } }, next++, 'redelivery', group);
            if (out !== undefined) sent.push(out);
          }
        }
        return sent;
      });
      outcomes.push(...(await Promise.all(chains)).flat());
    }
    for (let round = 0; round < redeliveryRounds; round++) {
      const pending = plan.exchanges.filter((x) => !acknowledged.has(x) && !timed.includes(x));
      if (pending.length === 0) break;
      for (const exchange of pending) {
        cancelled();
        outcomes.push(...sentOnly([await deliver({ exchange }, next++, 'redelivery', pool(1))]));
      }
    }
    cancelled();

    if (outcomes.some((o) => o.result === 'aborted' || o.result === 'timeout')) {
      await quiesce({ inFlight, busy, settleMs, requestTimeoutMs, clock });
    }
    return outcomes.map(({ connectFailed: _, ...outcome }) => outcome);
  }

  return {
    replay,
    async close() {
      closed = true;
      await Promise.all([...pools.values()].map((p) => p.close()));
      pools.clear();
    },
  };
}

/**
 * Delivers one schedule to the target and returns what happened to every request: the
 * schedule's steps in order (a concurrent group at once), then the provider-retry sweep for
 * exchanges never acknowledged.
 *
 * @example
 * const outcomes = await replaySchedule(applyEdits(cleanSchedule(tape.exchanges.length), edits), {
 *   tape, providers: providerByName, baseUrl: 'http://127.0.0.1:3000', secrets: config.providers,
 * });
 */
export async function replaySchedule(schedule: Schedule, options: ReplayOptions): Promise<DeliveryOutcome[]> {
  const replayer = createReplayer(options);
  try {
    return await replayer.replay(schedule);
  } finally {
    await replayer.close();
  }
}

/** Checks the schedule against the tape before anything is sent, so a bad set-up fails at once. */
function prepare(
  schedule: Schedule,
  opts: ReplayOptions,
): { providers: Map<string, Provider>; exchanges: number[] } {
  const { tape } = opts;
  const where = tape.file ?? tape.header.name;
  const providers = new Map<string, Provider>();
  const exchanges: number[] = [];
  const seen = new Set<number>();
  for (const [index, step] of schedule.steps.entries()) {
    const deliveries = step.kind === 'send' ? [step.delivery] : step.deliveries;
    if (deliveries.length === 0) {
      throw new IdemgateError(
        'SCHEDULE_INVALID',
        `schedule step ${index} is a concurrent group with no deliveries`,
      );
    }
    for (const d of deliveries) {
      const exchange = tape.exchanges[d.exchange];
      if (!Number.isInteger(d.exchange) || exchange === undefined) {
        throw new IdemgateError(
          'SCHEDULE_INVALID',
          `schedule step ${index} names exchange ${d.exchange}, but tape ${where} has ${tape.exchanges.length}`,
        );
      }
      if (!seen.has(d.exchange)) {
        seen.add(d.exchange);
        exchanges.push(d.exchange);
      }
      if (providers.has(exchange.provider)) continue;
      providers.set(exchange.provider, opts.providers(exchange.provider));
      if (opts.secrets[exchange.provider] === undefined) {
        throw new IdemgateError(
          'CONFIG_INVALID',
          `no secrets configured for provider '${exchange.provider}' (tape ${where}, seq ${exchange.seq})`,
        );
      }
    }
  }
  return { providers, exchanges };
}

function toOutcome(
  http: HttpResult,
  provider: Provider,
  base: Pick<DeliveryOutcome, 'step' | 'exchange' | 'attempt' | 'origin' | 'startedAtMs' | 'durationMs' | 'variant' | 'waitedMs' | 'gapMs'>,
): Sent {
  const common = { ...base, provider: provider.name, connectFailed: false };
  switch (http.result) {
    case 'answered':
      return {
        ...common,
        result: 'answered',
        status: http.status,
        body: http.body,
        acknowledged: provider.acknowledged({ status: http.status, body: http.body }),
      };
    case 'error':
      return {
        ...common,
        result: 'error',
        error: http.error,
        acknowledged: false,
        connectFailed: http.connectFailed,
      };
    case 'cancelled':
      return { ...common, result: 'aborted', error: 'replay cancelled', acknowledged: false };
    case 'crashed':
      // Injected: an aborted delivery, never a troubling one (no health probe, no TARGET_CRASHED).
      return { ...common, result: 'aborted', error: `target killed (SIGKILL) ${http.at} and restarted: injected crash-restart`, acknowledged: false };
    default:
      return { ...common, result: http.result, acknowledged: false };
  }
}

/** A target that refuses the very first connection is down or misconfigured, not non-idempotent. */
function unreachableCheck(outcomes: readonly Sent[], base: string): void {
  if (outcomes.length > 0 && outcomes.every((o) => o.connectFailed)) {
    throw new IdemgateError(
      'TARGET_UNREACHABLE',
      `cannot connect to the target at ${base}: ${outcomes[0]!.error}`,
      {
        details: { url: base },
      },
    );
  }
}

/** Polls of `busy` that must say "not busy" in a row before a target counts as quiet. */
export const QUIET_POLLS = 4;
/** Between two polls of `inFlight` or `busy`. */
const POLL_MS = 5;

/**
 * Aborted and timed-out requests may still be running in the target. Wait for them so the
 * database is read after the target has finished: poll the target's in-flight count when it has
 * one (after a short grace for requests still in socket buffers); else observe it from outside
 * (`busy`: its database and upstream calls) until it has been quiet for QUIET_POLLS polls in a
 * row; else wait `settleMs`. Never longer than the request timeout.
 */
async function quiesce(opts: {
  inFlight?: () => number;
  busy?: () => Promise<boolean>;
  settleMs: number;
  requestTimeoutMs: number;
  clock: Clock;
}): Promise<void> {
  const { clock, inFlight, busy } = opts;
  const deadline = clock.now() + opts.requestTimeoutMs;
  if (inFlight !== undefined) {
    await clock.sleep(Math.min(opts.settleMs, 20));
    while (inFlight() > 0 && clock.now() < deadline) await clock.sleep(POLL_MS);
    return;
  }
  if (busy !== undefined) {
    for (let quiet = 0; quiet < QUIET_POLLS && clock.now() < deadline; ) {
      await clock.sleep(POLL_MS);
      quiet = (await busy()) ? 0 : quiet + 1;
    }
    return;
  }
  await clock.sleep(opts.settleMs);
}
