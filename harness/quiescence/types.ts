import type { Database } from '../db/database.ts';

/** What a function probe is given. */
export interface QuiescenceContext {
  /** The target's database (the one the harness reads the ledger from). */
  database: Database;
  /** The running target's base URL. */
  baseUrl: string;
}

/** A probe's answer: quiet or not, and what it saw (shown when the target never becomes quiet). */
export interface QuietAnswer {
  quiet: boolean;
  detail: string;
}

/** One way to ask whether the target's asynchronous work is done. */
export type QuiescenceProbe =
  /** BullMQ queues of `target.stores` drained: waiting, active, delayed and prioritized all 0. Every configured queue, or `queues`. */
  | { kind: 'queues'; queues?: string[] }
  /** An SQL query on the target's database whose first column of its first row is true when quiet. */
  | { kind: 'sql'; query: string }
  /** An idle endpoint: 2xx = quiet. Absolute URL, or a path on the target (`/idle`). */
  | { kind: 'http'; url: string }
  /** Your own check: true (or `{ quiet: true }`) when quiet. */
  | { kind: 'function'; name?: string; check: (ctx: QuiescenceContext) => Promise<boolean | QuietAnswer> };

/**
 * How the harness waits, after each schedule's replay and before judging it, until the target's
 * asynchronous work (queue workers, outboxes) is done. Every probe must answer quiet, `quietPolls`
 * polls in a row. A target still busy after `timeoutMs` is TARGET_NOT_QUIESCENT (the run is
 * errored with the probe's last answer; the schedule is not judged).
 */
export interface QuiescenceConfig {
  probes: QuiescenceProbe[];
  /** Default 10000 ms. */
  timeoutMs?: number;
  /** Between polls. Default 5 ms. */
  pollMs?: number;
  /** Consecutive all-quiet polls needed. Default 1 (BullMQ moves a job between states atomically). */
  quietPolls?: number;
}
