import { IdemgateError } from '../errors.ts';

/** A URL safe to print: the password (if any) replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}

/** The SQLSTATE (`42P01`, `23505`, …) of a driver error, looked up along the `cause` chain. */
export function sqlState(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e !== null && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Wraps a driver error in DB_QUERY_FAILED, keeping the cause and the statement. */
export function queryFailed(error: unknown, sql: string, params?: readonly unknown[]): IdemgateError {
  const shortSql = sql.length > 500 ? `${sql.slice(0, 500)}…` : sql;
  return new IdemgateError('DB_QUERY_FAILED', `query failed: ${messageOf(error)} — in: ${shortSql.trim()}`, {
    cause: error,
    details: { sql, params: params ?? [], sqlState: sqlState(error) },
  });
}

/** Connection-level failures (refused, unknown host, timeout, auth) as opposed to SQL errors. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (
    typeof code === 'string' &&
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH)$/.test(code)
  ) {
    return true;
  }
  // 08xxx connection exceptions, 28xxx auth failures, 3D000 unknown database, 57P03 cannot connect now
  const state = sqlState(error);
  return state !== undefined && (/^(08|28)/.test(state) || state === '3D000' || state === '57P03');
}

export function unreachable(url: string, error: unknown): IdemgateError {
  const safe = redactUrl(url);
  return new IdemgateError('DB_UNREACHABLE', `cannot connect to PostgreSQL at ${safe}: ${messageOf(error)}`, {
    cause: error,
    details: { url: safe },
  });
}
