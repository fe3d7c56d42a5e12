/**
 * Every error idemgate throws on purpose is an IdemgateError with a stable `code`, so a CLI,
 * a CI wrapper or a test can react to the kind of failure without parsing messages.
 * Exceptions are for broken set-up (bad tape, target down, DB unreachable) and bugs; a scenario
 * that finds a violation returns a result, it does not throw.
 */
export type IdemgateErrorCode =
  | 'TAPE_INVALID'
  | 'TAPE_NOT_FOUND'
  | 'CONFIG_INVALID'
  | 'PROVIDER_UNKNOWN'
  | 'PROVIDER_BAD_EXCHANGE'
  | 'SIGNING_FAILED'
  | 'TARGET_UNREACHABLE'
  | 'TARGET_START_FAILED'
  | 'TARGET_UNHEALTHY'
  | 'DB_UNREACHABLE'
  | 'DB_QUERY_FAILED'
  | 'LEDGER_MAPPING_INVALID'
  | 'SCHEDULE_INVALID'
  | 'SCENARIO_INVALID'
  | 'REPLAY_FILE_INVALID'
  | 'UPSTREAM_FAILED'
  /** A reconciliation file that is malformed, truncated, or whose trailer disagrees with its rows. */
  | 'RECON_FILE_INVALID'
  | 'USAGE';

export class IdemgateError extends Error {
  readonly code: IdemgateErrorCode;
  /** Extra facts a user needs to act: file and line, URL, SQL. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: IdemgateErrorCode,
    message: string,
    options: { cause?: unknown; details?: Record<string, unknown> } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IdemgateError';
    this.code = code;
    this.details = options.details ?? {};
  }
}

export const isIdemgateError = (e: unknown): e is IdemgateError => e instanceof IdemgateError;

/** One line for a terminal: code, message, and the cause's message when there is one. */
export function describeError(e: unknown): string {
  if (e instanceof IdemgateError) {
    const cause = e.cause instanceof Error ? ` (cause: ${e.cause.message})` : '';
    return `[${e.code}] ${e.message}${cause}`;
  }
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
