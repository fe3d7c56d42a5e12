import { IdemgateError, isIdemgateError, type IdemgateErrorDetails } from '../errors.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import { probedHealth } from '../targets/start.ts';
import type { TargetHealth } from '../targets/types.ts';
import type { IdemgateConfig } from '../config.ts';
import type { RunningTarget } from '../targets/types.ts';

/** Output lines of a dead target shown in its error (the config's masking and terminal escaping happen where it is printed). */
const OUTPUT_LINES = 5;

/**
 * Outcomes that may mean the target is down: no answer within the request timeout, or a failed
 * connection. An `aborted` delivery is an injected fault (a lost acknowledgement) or a cancelled
 * replay, never the target's doing; upstream API faults only make the target slower or answer
 * otherwise, and a target that is merely slow still answers its health probe.
 */
export const troubling = (o: DeliveryOutcome): boolean => o.result === 'timeout' || o.result === 'error';

/** How a session's target is asked for its health: its own way, else a probe of its health path or port. */
export function healthOf(session: { config: IdemgateConfig; target: RunningTarget }): NonNullable<RunningTarget['health']> {
  const { target, config } = session;
  if (target.health !== undefined) return target.health;
  const start = config.target.start;
  return probedHealth(target.baseUrl, start.kind === 'command' && start.ready === 'port' ? undefined : start.healthPath);
}

type Down = Exclude<TargetHealth, { state: 'up' }>;
export type TargetDownError = IdemgateError<'TARGET_CRASHED'> | IdemgateError<'TARGET_UNRESPONSIVE'>;

const during = (schedule: number | undefined): string =>
  schedule === undefined ? '' : ` during schedule ${schedule}${schedule === 1 ? ' (the clean replay)' : ''}`;

function crashedMessage(d: IdemgateErrorDetails['TARGET_CRASHED']): string {
  const how = d.signal !== null ? `was killed by ${d.signal}` : `exited with code ${d.exitCode}`;
  const output = d.output.slice(-OUTPUT_LINES);
  return (
    `${d.process === undefined ? 'the target' : `the target's ${d.process}`} ${how}${during(d.schedule)}, and ${d.process === undefined ? 'no injected fault stops a target' : 'no injected fault killed it'}: that schedule's invariants were not judged (a dead target explains them)` +
    (output.length === 0 ? '; it printed nothing' : `. Its last output:\n  ${output.join('\n  ')}`)
  );
}

function unresponsiveMessage(d: IdemgateErrorDetails['TARGET_UNRESPONSIVE']): string {
  return (
    `the target stopped answering${during(d.schedule)}: ${d.probe}` +
    (d.inFlight === undefined ? '' : `; in flight: ${d.inFlight}`) +
    `. That schedule's invariants were not judged (a hung target explains them)`
  );
}

/** The error for a target found down, optionally naming the request that was in flight. */
export function targetDownError(health: Down, inFlight?: string): TargetDownError {
  if (health.state === 'exited') {
    const details = {
      exitCode: health.exitCode,
      signal: health.signal,
      output: health.output.slice(-OUTPUT_LINES),
      ...(health.process === undefined ? {} : { process: health.process }),
    };
    return new IdemgateError('TARGET_CRASHED', crashedMessage(details), { details });
  }
  const details = { probe: health.probe, ...(inFlight === undefined ? {} : { inFlight }) };
  return new IdemgateError('TARGET_UNRESPONSIVE', unresponsiveMessage(details), { details });
}

export const isTargetDown = (e: unknown): e is TargetDownError => isIdemgateError(e, 'TARGET_CRASHED') || isIdemgateError(e, 'TARGET_UNRESPONSIVE');

/** The same error, naming the schedule (1 = the clean replay) it happened in. */
export function atSchedule(e: TargetDownError, schedule: number): TargetDownError {
  if (isIdemgateError(e, 'TARGET_CRASHED')) {
    const details = { ...e.details, schedule };
    return new IdemgateError('TARGET_CRASHED', crashedMessage(details), { details });
  }
  const details = { ...(e as IdemgateError<'TARGET_UNRESPONSIVE'>).details, schedule };
  return new IdemgateError('TARGET_UNRESPONSIVE', unresponsiveMessage(details), { details });
}

/**
 * Watches one schedule's replay for a target that died or hung: a troubling delivery starts a
 * health probe, and a target found down cancels the replay (through `signal`) with its error.
 * `finish` then tells whether the target is down: after a replay that went through, only what
 * costs nothing (a child's exit) is checked again; after one that threw, the target is probed.
 */
export function watchTarget(
  health: NonNullable<RunningTarget['health']>,
  opts: { probeTimeoutMs: number; describe: (o: DeliveryOutcome) => string },
): { signal: AbortSignal; onOutcome: (o: DeliveryOutcome) => void; finish: (probe: boolean) => Promise<TargetDownError | undefined> } {
  const cancel = new AbortController();
  let down: TargetDownError | undefined;
  let checking: Promise<void> | undefined;
  const check = (trigger: DeliveryOutcome): Promise<void> =>
    (checking ??= (async () => {
      const h = await health({ probe: true, timeoutMs: opts.probeTimeoutMs }).catch((): TargetHealth => ({ state: 'up' }));
      if (h.state !== 'up') {
        down ??= targetDownError(h, h.state !== 'unresponsive' ? undefined : opts.describe(trigger));
        cancel.abort(down);
      }
      // Up: a later troubling delivery probes again.
      checking = undefined;
    })());
  return {
    signal: cancel.signal,
    onOutcome: (o) => {
      if (down === undefined && troubling(o)) void check(o);
    },
    finish: async (probe) => {
      while (checking !== undefined) await checking;
      if (down !== undefined) return down;
      const h = await health({ probe, timeoutMs: opts.probeTimeoutMs }).catch((): TargetHealth => ({ state: 'up' }));
      return h.state === 'up' ? undefined : targetDownError(h);
    },
  };
}
