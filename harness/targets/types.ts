import type { Database } from '../db/database.ts';
import type { ProviderSecrets } from '../providers/provider.ts';
import type { QuiescenceConfig } from '../quiescence/types.ts';
import type { TargetStore } from '../stores/types.ts';

/** What an in-process target is given when the harness starts it. */
export interface TargetContext {
  database: Database;
  /** Secrets per provider, as configured (the target verifies what the harness signs). */
  secrets: Readonly<Record<string, ProviderSecrets>>;
  /** Environment the harness would give a child-process target (upstream API bases etc.). */
  env: Readonly<Record<string, string>>;
}

export interface RunningTarget {
  /** Base URL the target listens on (loopback). */
  baseUrl: string;
  /** Number of requests still being handled, if the target can tell (used to wait for quiescence). */
  inFlight?: () => number;
  /**
   * Milliseconds the target has spent handling requests so far, if it can tell (a handler hook):
   * `npm run bench` divides a schedule's wall time by it to show the harness's own overhead.
   */
  handlingMs?: () => number;
  /**
   * Whether the target is still up. `probe: false` asks only what costs nothing (has a child
   * process exited?); `probe: true` also probes it (its health path, or a TCP connect without one),
   * waiting at most `timeoutMs`. Absent: the harness cannot tell (a hand-made RunningTarget).
   */
  health?: (options: { probe: boolean; timeoutMs: number }) => Promise<TargetHealth>;
  /**
   * Kills the target with SIGKILL (its whole process group: no shutdown hook runs), runs
   * `whileDown`, and starts it again the same way (same command, env, port and database), resolving
   * once it is ready. While it is down, `health` waits for it to be back: a death the harness
   * injected is never reported as the target's own. Only targets idemgate starts as a child
   * process (`kind: 'command'`) have it; the crash-restart fault needs it.
   */
  crashRestart?: (whileDown?: () => Promise<void>) => Promise<void>;
  /** The worker processes idemgate started beside the target (`target.workers`); absent without them. */
  workers?: RunningWorkers;
  stop(): Promise<void>;
}

/** The harness-owned worker processes of a target (`target.workers`), each in its own process group. */
export interface RunningWorkers {
  /** How many run (`count`). */
  readonly count: number;
  /** The first worker found dead (not by an injected fault), else undefined. Costs nothing. */
  dead(): Promise<Extract<TargetHealth, { state: 'exited' }> | undefined>;
  /**
   * The worker-crash fault: SIGKILL to every worker's process group (no shutdown hook runs, jobs
   * stay active in the queue), `whileDown`, then each started again the same way, resolving once
   * all are ready. A death the harness injected is never reported by `dead`.
   */
  crashRestart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Worker processes the harness starts and owns beside a command target (queue workers that book
 * what the web process enqueued): `count` copies of `start`, each its own process group, started
 * once the target is healthy (so the target's own start-up, e.g. migrations, has run), stopped with
 * the session. A worker that dies on its own fails the schedule as TARGET_CRASHED naming it.
 */
export interface TargetWorkers {
  /**
   * The worker command: `{port}` (the target's), `{databaseUrl}`, `{IDEMGATE_SESSION}` and every
   * upstream API base (`{PSP_API_BASE}`, …) are substituted in args and env values, as for `target.start`.
   */
  start: WorkerStart;
  /** How many worker processes race for the same queues. Default 1. */
  count?: number;
}

export interface WorkerStart {
  kind: 'command';
  command: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /**
   * A regular expression a line of the worker's stdout must match before it counts as ready (e.g.
   * `'worker ready'`). Without it a worker is ready once spawned; the queues quiescence probe still
   * waits for its jobs.
   */
  readyPattern?: string;
  /** How long `readyPattern` may take to appear. Default 30 s. */
  startTimeoutMs?: number;
}

/** What a target's health check found. */
export type TargetHealth =
  | { state: 'up' }
  /** A child-process target that exited: its code or signal and its last output lines (stderr and stdout). */
  | { state: 'exited'; exitCode: number | null; signal: string | null; output: string[]; process?: string }
  /** The probe got no answer: what was probed and what became of it. */
  | { state: 'unresponsive'; probe: string };

export type TargetStart =
  /** A Node app started in this process: return its base URL. */
  | {
      kind: 'in-process';
      start: (ctx: TargetContext) => Promise<RunningTarget>;
      /** Path probed (2xx) when a request of the run timed out or failed, to tell a hung target from a slow request. Default: a TCP connect. */
      healthPath?: string;
    }
  /**
   * Any service in any language, started as a child process. `{port}`, `{databaseUrl}` and
   * every env key of the context are substituted in args and env values.
   */
  | {
      kind: 'command';
      command: string;
      args?: string[];
      cwd?: string;
      env?: Record<string, string>;
      /** Path polled until it answers 2xx. Required unless `ready: 'port'`. */
      healthPath?: string;
      /**
       * When the service counts as started: `'health'` (default) once `healthPath` answers 2xx;
       * `'port'` once its port accepts TCP connections, for a service with no health route.
       */
      ready?: 'health' | 'port';
      /** Fixed port; default: a free loopback port passed as {port} / PORT. */
      port?: number;
      startTimeoutMs?: number;
    }
  /** Already running elsewhere on loopback; the harness only talks to it. `startTimeoutMs`: how long `healthPath` may take to answer 2xx (default 10 s). */
  | { kind: 'url'; baseUrl: string; healthPath?: string; startTimeoutMs?: number };

export interface TargetConfig {
  start: TargetStart;
  /** Path on the target per provider name (`/webhooks/stripe`, …). Default: the tape's recorded path. */
  endpoints?: Record<string, string>;
  /** Per-request timeout for deliveries. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** How long to wait after a schedule with aborted requests for a child-process target to finish them. Default 250 ms. */
  settleMs?: number;
  /**
   * The service started as a child process for the scenarios whose faults kill it
   * (`crashRestart()`): those scenarios run on a session of their own with this target. Needed
   * when `start` cannot be killed (in-process, or at a URL), and the place to tune the service for
   * crash recovery (the reference shortens how long a dead request's lock lasts). Without it they
   * run on `start` when it is a command, and are `errored` (FAULT_INVALID) otherwise.
   */
  crashStart?: Extract<TargetStart, { kind: 'command' }>;
  /**
   * Worker processes idemgate starts beside the target and owns (queue workers): started once the
   * target is healthy, killed with it, and killed on purpose by the `workerCrash()` fault.
   */
  workers?: TargetWorkers;
  /**
   * What the target keeps outside its database, emptied between schedules after the database
   * reset: Redis (BullMQ queues obliterated, keys under a prefix unlinked — never a whole
   * database) and reset hooks (called, 2xx required). Checked before anything runs.
   */
  stores?: TargetStore[];
  /**
   * For a target that answers first and works later (queue workers): what must be quiet before a
   * schedule is judged. Without it the ledger is read once the HTTP replay is done.
   */
  quiescence?: QuiescenceConfig;
  /**
   * How much faster than real time the target runs its own clocks (back-offs, Retry-After waits,
   * lock lifetimes), so a 2 s / 4 s / 8 s retry policy runs in milliseconds: the target reads it
   * from IDEMGATE_TIME_SCALE (or `{IDEMGATE_TIME_SCALE}` in `start.env`/`args`) and multiplies its
   * waits by it. The simulated APIs then say Retry-After in the target's time (test time ÷ scale),
   * while the upstream invariants judge in test time. In (0, 1]; default 1.
   */
  timeScale?: number;
}
