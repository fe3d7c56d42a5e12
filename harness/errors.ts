/** No details beyond the message (and the cause). */
type NoDetails = Readonly<Record<never, never>>;

/**
 * The facts each error code carries in `details`, so code that reacts to an error reads them
 * typed (`if (isIdemgateError(e, 'TAPE_INVALID')) e.details.line`), as undici's and drizzle's
 * errors carry theirs.
 */
export interface IdemgateErrorDetails {
  /** A tape file that does not parse or breaks the tape schema (`file` undefined for a tape built in memory). */
  TAPE_INVALID: { file: string | undefined; line: number };
  TAPE_NOT_FOUND: { file: string };
  /** The config (or a file it names) is wrong: where, when known. `path` is the field, e.g. `ledger.columns.txnId`. */
  CONFIG_INVALID: { file?: string; line?: number; path?: string };
  PROVIDER_UNKNOWN: { provider: string; known: string[] };
  PROVIDER_BAD_EXCHANGE: { file: string | undefined; seq: number; provider: string };
  SIGNING_FAILED: { seq?: number; provider?: string };
  TARGET_UNREACHABLE: { url?: string };
  TARGET_START_FAILED: NoDetails;
  TARGET_UNHEALTHY: { url: string };
  /**
   * The target exited (or was killed) during a run, with no injected fault to explain it: its exit
   * code or signal, its last output lines, and the schedule it died in (1 = the clean replay).
   */
  TARGET_CRASHED: { exitCode: number | null; signal: string | null; output: readonly string[]; schedule?: number; process?: string };
  /**
   * The target stopped answering during a run (a request timed out or its connection failed, and
   * its health probe then failed too): the probe, the request that was in flight, the schedule.
   */
  TARGET_UNRESPONSIVE: { probe: string; inFlight?: string; schedule?: number };
  /**
   * A target store (`target.stores`) that cannot be used: Redis unreachable, a database index the
   * server does not have, a queue BullMQ never created under the configured prefix, or a reset hook
   * that did not answer 2xx. `url` has its password masked; `queue` names the queue when one is at fault.
   */
  STORE_INVALID: { url: string; store: number; queue?: string };
  /**
   * The target's work did not settle (`target.quiescence`) within the timeout after a schedule's
   * replay: the probe that was still busy and its last answer. That schedule was not judged.
   */
  TARGET_NOT_QUIESCENT: { probe: string; lastAnswer: string; waitedMs: number };
  DB_UNREACHABLE: { url: string } | { image: string };
  DB_QUERY_FAILED: { sql?: string; params?: readonly unknown[]; sqlState?: string | undefined };
  /** The ledger/entity mapping does not fit the database: the table or column that is missing, or a value that is not an amount. */
  LEDGER_MAPPING_INVALID: {
    /** The mapping as configured (a table or SQL source and its columns). */
    mapping?: { readonly table?: string; readonly sql?: string; readonly columns: Readonly<Partial<Record<string, string>>> };
    table?: string;
    column?: string;
    value?: string;
  };
  SCHEDULE_INVALID: NoDetails;
  SCENARIO_INVALID: NoDetails;
  REPLAY_FILE_INVALID: NoDetails;
  UPSTREAM_FAILED: NoDetails;
  /** A reconciliation file that is malformed, truncated, or whose trailer disagrees with its rows. */
  RECON_FILE_INVALID: { file?: string; line?: number };
  /** A fault (or a provider's retry schedule) built with options it cannot use. */
  FAULT_INVALID: { fault: string; option?: string };
  /** `idemgate mutate` could not make or prepare a mutant (a regenerate command failed, a source changed under it). */
  MUTATION_FAILED: { file?: string; command?: string };
  /** A command line, or an API called the wrong way (a closed replayer, no tapes to merge). */
  USAGE: NoDetails;
  /** `merge-reports`: a results.json or mutation.json that is missing or malformed, or shards that are not the parts of one run. */
  REPORTS_INVALID: { file?: string };
  /** The run was stopped by a signal (SIGINT, SIGTERM) before this scenario finished. */
  INTERRUPTED: NoDetails;
  /** Not thrown: the code a result carries for an error that is not an IdemgateError (a bug, in idemgate or in a target's in-process code). */
  INTERNAL: NoDetails;
}

/**
 * Every error idemgate throws on purpose is an IdemgateError with a stable `code`, so a CLI,
 * a CI wrapper or a test can react to the kind of failure without parsing messages.
 * Exceptions are for broken set-up (bad tape, target down, DB unreachable) and bugs; a scenario
 * that finds a violation returns a result, it does not throw.
 */
export type IdemgateErrorCode = keyof IdemgateErrorDetails;

const EVERY_CODE: Readonly<Record<IdemgateErrorCode, true>> = {
  TAPE_INVALID: true,
  TAPE_NOT_FOUND: true,
  CONFIG_INVALID: true,
  PROVIDER_UNKNOWN: true,
  PROVIDER_BAD_EXCHANGE: true,
  SIGNING_FAILED: true,
  TARGET_UNREACHABLE: true,
  TARGET_START_FAILED: true,
  TARGET_UNHEALTHY: true,
  TARGET_CRASHED: true,
  TARGET_UNRESPONSIVE: true,
  STORE_INVALID: true,
  TARGET_NOT_QUIESCENT: true,
  DB_UNREACHABLE: true,
  DB_QUERY_FAILED: true,
  LEDGER_MAPPING_INVALID: true,
  SCHEDULE_INVALID: true,
  SCENARIO_INVALID: true,
  REPLAY_FILE_INVALID: true,
  UPSTREAM_FAILED: true,
  RECON_FILE_INVALID: true,
  FAULT_INVALID: true,
  MUTATION_FAILED: true,
  USAGE: true,
  REPORTS_INVALID: true,
  INTERRUPTED: true,
  INTERNAL: true,
};

/** Every error code, for schemas and validation (the record above makes the compiler list each one). */
export const ERROR_CODES = Object.keys(EVERY_CODE) as readonly IdemgateErrorCode[];

/** The details an error of code `C` carries. */
export type DetailsOf<C extends IdemgateErrorCode> = Readonly<IdemgateErrorDetails[C]>;

type ErrorOptions<C extends IdemgateErrorCode> = { cause?: unknown } & (NoDetails extends IdemgateErrorDetails[C]
  ? { details?: IdemgateErrorDetails[C] }
  : { details: IdemgateErrorDetails[C] });

/** Details are required for the codes whose details have required fields. */
type OptionsArg<C extends IdemgateErrorCode> = NoDetails extends IdemgateErrorDetails[C]
  ? [options?: ErrorOptions<C>]
  : [options: ErrorOptions<C>];

export class IdemgateError<C extends IdemgateErrorCode = IdemgateErrorCode> extends Error {
  readonly code: C;
  /** Extra facts a user needs to act: file and line, URL, SQL (typed per code, see IdemgateErrorDetails). */
  readonly details: DetailsOf<C>;

  constructor(code: C, message: string, ...[options]: OptionsArg<C>) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IdemgateError';
    this.code = code;
    // An absent `details` is only allowed where every field is optional, so `{}` is of that type.
    this.details = (options?.details ?? {}) as DetailsOf<C>;
  }
}

/**
 * Whether `e` is an IdemgateError (of `code`, when given), narrowing its details.
 *
 * @example
 * if (isIdemgateError(e, 'TAPE_INVALID')) console.log(`${e.details.file}:${e.details.line}`);
 */
export function isIdemgateError(e: unknown): e is IdemgateError;
export function isIdemgateError<C extends IdemgateErrorCode>(e: unknown, code: C): e is IdemgateError<C>;
export function isIdemgateError(e: unknown, code?: IdemgateErrorCode): boolean {
  return e instanceof IdemgateError && (code === undefined || e.code === code);
}

/** What went wrong, without the code: the message and the cause's, or a bug's stack. */
export function errorMessageOf(e: unknown): string {
  if (e instanceof IdemgateError) return e.cause instanceof Error ? `${e.message} (cause: ${e.cause.message})` : e.message;
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}

/** One line for a terminal: code, message, and the cause's message when there is one. */
export function describeError(e: unknown): string {
  return e instanceof IdemgateError ? `[${e.code}] ${errorMessageOf(e)}` : errorMessageOf(e);
}

/** The code a result reports for any thrown value: its own for an IdemgateError, else INTERNAL. */
export const errorCodeOf = (e: unknown): IdemgateErrorCode => (e instanceof IdemgateError ? e.code : 'INTERNAL');
