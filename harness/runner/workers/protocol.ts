import type { LedgerRow, Violation } from '../../invariants/invariant.ts';
import type { DeliveryOutcome } from '../../replay/outcome.ts';
import type { Excuse, OutboundCall, ScheduleDraw } from '../result.ts';

/** What a worker thread is started with: enough to load the same config and scenarios itself. */
export interface WorkerData {
  configFile: string;
  /** The scenarios it may be asked to run (their tapes are served by its upstream). */
  scenarios: string[];
  /** As for the session: `null` forces PGlite, undefined follows the config / DATABASE_URL. */
  databaseUrl?: string | null;
  /** Worker number, 1-based (the main thread's own session is 0). */
  index: number;
}

/** One schedule's outcome, as `executeSchedule` returns it (structured-clone safe). */
export interface ExecutedSchedule {
  violations: Violation[];
  deliveries: DeliveryOutcome[];
  /** Invariants that judged something in this schedule. */
  checked: number;
  /** How much each invariant that ran judged (see `Judgement`); an invariant not run is absent. */
  judged: Record<string, number>;
  /** Why each invariant that was not run could not be (what it requires and the context lacks). */
  unmet: Record<string, string>;
  /** What the target called out, as the extensions recorded it. */
  calls: OutboundCall[];
  /** Expected effects the extensions' facts excused in this schedule. */
  excused: Excuse[];
}

export type ToWorker =
  | { type: 'prepare'; scenario: string; baseline: LedgerRow[] }
  | { type: 'execute'; id: number; scenario: string; draw: ScheduleDraw }
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  /** A target process group the worker started (`live`) or stopped: the main thread's exit hook kills the live ones. */
  | { type: 'group'; pgid: number; live: boolean }
  | { type: 'prepared'; scenario: string }
  | { type: 'executed'; id: number; result: ExecutedSchedule }
  /** `details`: an IdemgateError's, for the codes the main thread rebuilds (a target that died or hung). */
  | { type: 'failed'; id?: number; error: { code: string; message: string; details?: unknown } };
