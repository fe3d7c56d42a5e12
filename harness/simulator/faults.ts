/**
 * What a simulated API can be made to answer instead of its normal answer. The kinds are the
 * simulator's contract with the provider APIs (each API says how it words a 429, a 5xx, a 401);
 * which call gets which fault is the upstream-faults feature's plan.
 */
/**
 * A simulated route by the stable name its provider API gives it (`'psp.refunds'`), as used in
 * plans and call logs.
 */
export type UpstreamRoute = string;

/** One thing that goes wrong with one upstream call, as plain data. */
export type UpstreamFault =
  /** 429 with `Retry-After` (whole seconds, rounded up) and `Retry-After-Ms`. */
  | { kind: 'throttle'; retryAfterMs: number }
  /** A gateway 5xx before the API sees the request (nothing is done, nothing is stored). */
  | { kind: 'server-error'; status: 500 | 502 | 503 | 504 }
  /** The answer comes `delayMs` late (past the target's client timeout); the work is still done. */
  | { kind: 'timeout'; delayMs: number }
  /** The connection is dropped before the request is processed. */
  | { kind: 'reset' }
  /** 401: the credentials are refused (a rotated key, a revoked token). */
  | { kind: 'unauthorized' }
  /** The upstream does the work (charges, refunds) and commits, then the connection drops. */
  | { kind: 'lost-answer' };

export type UpstreamFaultKind = UpstreamFault['kind'];
