/**
 * The worker faults as a session injects them: `workerCrash()` (kill every harness-owned worker at
 * the target's next ledger write, restart them) and `redisDrop()` (kill the target's named Redis
 * connections). The replayer calls these at the delivery the schedule marks; this module knows the
 * session's database, stores and workers, the replayer does not.
 */
import type { WriteHold } from '../db/database.ts';
import { IdemgateError } from '../errors.ts';
import { systemClock, type Clock } from '../replay/clock.ts';
import type { ReplayOptions } from '../replay/replay.ts';
import type { Session } from './session.ts';
import type { Scenario } from './scenario.ts';

/** Between two looks at the held write and the queues. */
const POLL_MS = 2;

type Injected = Pick<ReplayOptions, 'workerCrash' | 'dropRedis'>;

/**
 * The replayer hooks for the worker faults this session supports: `workerCrash` with
 * `target.workers`, `dropRedis` with a Redis store. `clock` times the waits (polling, downtime).
 */
export function workerFaultHooks(session: Pick<Session, 'config' | 'database' | 'stores' | 'target'>, clock: Clock = systemClock): Injected {
  const { target, database, stores, config } = session;
  const workers = target.workers;
  const hooks: Injected = {};
  if (stores !== undefined && stores.stores.some((s) => s.kind === 'redis')) {
    hooks.dropRedis = async () => {
      await stores.dropConnections();
    };
  }
  if (workers === undefined) return hooks;
  const table = config.ledger?.table;
  const timeoutMs = config.target.quiescence?.timeoutMs ?? 10_000;
  /**
   * Whether to kill now without a held write: the queues have nothing waiting or running (no job
   * will write), or — with no hold to wait for (no ledger mapping) — a job is active.
   */
  const killNow = async (holding: boolean): Promise<boolean> => {
    if (stores?.hasQueues !== true) return !holding;
    const counts = await stores.queueCounts();
    if (!holding && counts.some((q) => q.counts.active > 0)) return true;
    return counts.every((q) => Object.values(q.counts).every((n) => n === 0));
  };
  hooks.workerCrash = async ({ downtimeMs }) => {
    const hold: WriteHold | undefined = table === undefined || database.holdWrite === undefined ? undefined : await database.holdWrite(table);
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      await hold?.release();
    };
    return {
      disarm: release,
      fire: async () => {
        try {
          // A job holding the ledger write, or queues gone idle (its jobs write no ledger), or the
          // quiescence timeout: the kill comes then. Without a hold, the first active job.
          const deadline = clock.now() + timeoutMs;
          while (hold?.held() !== true && clock.now() < deadline && !(await killNow(hold !== undefined))) await clock.sleep(POLL_MS);
          let killedAt = clock.now();
          await workers.crashRestart(async () => {
            killedAt = clock.now();
            // Its client is dead: the held statement is dropped with it, or runs in a transaction that never commits.
            await release();
            const left = downtimeMs - (clock.now() - killedAt);
            if (left > 0) await clock.sleep(left);
          });
        } finally {
          await release();
        }
      },
    };
  };
  return hooks;
}

/** Whether any of the scenario's faults needs `need`. */
const needing = (scenario: Pick<Scenario, 'faults'>, need: 'workers' | 'redis'): boolean => scenario.faults.some((f) => f.needs?.includes(need) === true);

/**
 * A scenario with `workerCrash()` on a config without `target.workers`, or `redisDrop()` without a
 * Redis store, is FAULT_INVALID before anything is sent: never a green run that skipped them.
 */
export function checkWorkerFaults(session: Pick<Session, 'target' | 'stores'>, scenario: Pick<Scenario, 'name' | 'faults'>): void {
  if (needing(scenario, 'workers') && session.target.workers === undefined) {
    throw new IdemgateError(
      'FAULT_INVALID',
      `scenario "${scenario.name}" uses workerCrash(), which kills the target's queue workers; idemgate can only kill workers it started: give the config target.workers (the worker command and how many)`,
      { details: { fault: 'workerCrash' } },
    );
  }
  if (needing(scenario, 'redis') && !(session.stores?.stores.some((s) => s.kind === 'redis') ?? false)) {
    throw new IdemgateError(
      'FAULT_INVALID',
      `scenario "${scenario.name}" uses redisDrop(), which drops the target's Redis connections; the config names no Redis store in target.stores (url, queuePrefix) to find them in`,
      { details: { fault: 'redisDrop' } },
    );
  }
}
