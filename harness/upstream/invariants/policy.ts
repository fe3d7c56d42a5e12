/**
 * How a target should retry its upstream calls. The default is the seed's policy: no retry after
 * 401/403 or any other 4xx except 409 and 429; honour Retry-After; back off after a 5xx at least
 * as long as the upstream's longest Retry-After; at most 5 attempts per request.
 */
export interface RetryPolicy {
  /** Answers after which the same request must not call again. Default: 4xx except 409 and 429. */
  noRetryAfter: (status: number) => boolean;
  /** Least wait after a 5xx before the next attempt; default: the longest Retry-After the plan advertises. */
  serverErrorMinBackoffMs?: number;
  /** Attempts (first call + retries) one request may make. Default 5. */
  maxAttempts: number;
  /** Timer slack allowed on measured waits (ms). Default 2. */
  toleranceMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  noRetryAfter: (status) => status >= 400 && status < 500 && status !== 409 && status !== 429,
  maxAttempts: 5,
  toleranceMs: 2,
};

export const retryPolicy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...overrides });
