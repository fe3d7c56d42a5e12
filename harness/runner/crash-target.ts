/**
 * Which target a scenario whose faults kill the target (`crashRestart()`) runs on: one decision,
 * used by the suite, `scenarioTest` and `runScenario`'s own check.
 */
import type { IdemgateConfig } from '../config.ts';
import { IdemgateError } from '../errors.ts';
import type { RunningTarget } from '../targets/types.ts';
import type { Scenario } from './scenario.ts';

/** Whether any of the scenario's faults kills and restarts the target. */
export const killsTarget = (scenario: Pick<Scenario, 'faults'>): boolean => scenario.faults.some((f) => f.needs?.includes('restart') === true);

/**
 * The config a scenario runs with: the config itself, or — for a scenario that kills the target,
 * when `target.crashStart` says how to start the service for crashing (as a child process; needed
 * when `target.start` cannot be killed, and a place to tune the service for crash recovery) — the
 * config with that start, on a session of its own. Undefined when it is the config itself.
 */
export function crashConfigFor(config: IdemgateConfig, scenario: Pick<Scenario, 'faults'>): IdemgateConfig | undefined {
  const crashStart = config.target.crashStart;
  if (!killsTarget(scenario) || crashStart === undefined) return undefined;
  return { ...config, target: { ...config.target, start: crashStart } };
}

/**
 * A scenario whose faults kill the target cannot run on a target idemgate cannot restart:
 * FAULT_INVALID before anything is sent, never a green run that skipped the crashes.
 */
export function checkTargetSupportsFaults(
  session: { config: IdemgateConfig; target: Pick<RunningTarget, 'crashRestart'> },
  scenario: Pick<Scenario, 'name' | 'faults'>,
): void {
  if (session.target.crashRestart !== undefined || !killsTarget(scenario)) return;
  const kind = session.config.target.start.kind;
  const what =
    kind === 'in-process'
      ? 'starts it in this process, where it cannot be killed without killing idemgate'
      : kind === 'url'
        ? 'only talks to it at a URL, so it cannot start it again'
        : 'cannot restart it';
  throw new IdemgateError(
    'FAULT_INVALID',
    `scenario "${scenario.name}" uses crashRestart(), which kills the target with SIGKILL and starts it again; ` +
      `only a target idemgate starts as a child process can be, and this config's target (kind '${kind}') ${what}. ` +
      `Give the config a target.crashStart (the service as a kind: 'command' target), or start the target with kind: 'command'`,
    { details: { fault: 'crashRestart' } },
  );
}
