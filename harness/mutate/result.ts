import type { MutationOperatorName } from './config.ts';

export type MutantStatus = 'killed' | 'survived' | 'timed-out' | 'errored' | 'ignored';

export interface MutantResult {
  id: string;
  operator: MutationOperatorName;
  guard: string;
  file: string;
  line: number;
  description: string;
  status: MutantStatus;
  /** The scenario that killed it. */
  scenario?: string;
  /** Names of the invariants the shrunk schedule broke. */
  invariants?: string[];
  /** Steps in the shrunk schedule. */
  shrunkLength?: number;
  /** Replays the killing schedule against this mutant. */
  replayCommand?: string;
  /** Wall time from the start of this mutant's run to its verdict. */
  seconds: number;
  /** Schedules executed, shrinking included. */
  schedules: number;
  error?: string;
  /** Why the config's `mutation.ignore` leaves it out (status `ignored`). */
  reason?: string;
}

export interface CleanResult {
  status: 'passed' | 'failed' | 'errored';
  seconds: number;
  schedules: number;
  /** Copies of the target the clean run's plan was spread over (as many as mutants run at once). */
  copies?: number;
  scenario?: string;
  invariants?: string[];
  message?: string;
}

export interface MatrixResult {
  clean: CleanResult;
  mutants: MutantResult[];
  settings: {
    runs: number;
    /** Rounds the runs were spread over (see MatrixOptions.rounds). */
    rounds: number;
    seed: number;
    operators: MutationOperatorName[];
    timeoutS: number;
    timeoutKills: boolean;
    concurrency: number;
    database: 'pglite' | 'postgres';
    scenarios: string[];
  };
  wallSeconds: number;
  /**
   * Set when this matrix is one shard of a split one (`--shard index/count`): which shard, and
   * every mutant id of the whole plan in order (this shard ran every count-th from index).
   */
  shard?: { index: number; count: number; planned: string[] };
  /** Set when a signal stopped the matrix (its name): the mutants that had not finished are left out, and the matrix proves nothing. */
  interrupted?: string;
}

export const isKilled = (r: MutantResult, timeoutKills: boolean): boolean =>
  r.status === 'killed' || (r.status === 'timed-out' && timeoutKills);

/** The mutants that ran (everything but the ignored ones). */
export const ranMutants = (result: Pick<MatrixResult, 'mutants'>): MutantResult[] => result.mutants.filter((m) => m.status !== 'ignored');

/**
 * 0 every mutant that ran was killed and the clean target passes; 1 a survivor or a failing clean
 * target; 2 harness errors, or no mutant ran at all (none planned, or all ignored): a matrix that
 * tested nothing proves nothing and is never green.
 */
export function matrixExitCode(result: MatrixResult): number {
  if (result.interrupted !== undefined) return 2;
  if (result.clean.status === 'errored') return 2;
  if (result.clean.status === 'failed') return 1;
  if (result.mutants.some((m) => m.status === 'errored')) return 2;
  if (ranMutants(result).length === 0) return 2;
  return ranMutants(result).every((m) => isKilled(m, result.settings.timeoutKills)) ? 0 : 1;
}
