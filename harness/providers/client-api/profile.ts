import { IdemgateError } from '../../errors.ts';

/**
 * One kind of answer a profile names: the statuses that mean it and, optionally, text its body
 * must contain (Stripe's `idempotency_error`), so a `417` with an HTML stack trace is not taken
 * for a payload-mismatch answer.
 */
export interface AnswerRule {
  status: readonly number[];
  /** The body contains this (case-sensitive). Absent: any body. */
  bodyIncludes?: string;
}

/**
 * How an Idempotency-Key API answers, as data: which answers mean what, and what a stored answer
 * must repeat. idemgate ships `ietfProfile` (draft-ietf-httpapi-idempotency-key-header) and
 * `stripeProfile`; write your own with `defineIdempotencyProfile` in the config.
 */
export interface IdempotencyProfile {
  name: string;
  /** The request header carrying the key (case-insensitive). Default `Idempotency-Key`. */
  keyHeader: string;
  /** The first answer to a key, stored: the request was processed (2xx by default). */
  answered: AnswerRule;
  /** Another request with this key is still being processed; the client retries later (409). */
  inFlight: AnswerRule;
  /** The key was used before with another payload; nothing happens (IETF 422, Stripe 400 `idempotency_error`). */
  payloadMismatch: AnswerRule;
  /**
   * The request carries no key: rejected with this answer and no effect (IETF 400). Absent: a
   * request without a key is processed without idempotency (Stripe), so there is nothing to judge.
   */
  missingKey?: AnswerRule;
  /**
   * What a retry with the same key and payload must get back once the first answer is stored:
   * `status-and-body` byte for byte (both profiles), or `status` only (a service that stamps each
   * answer with a request id).
   */
  replay: 'status-and-body' | 'status';
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const SUCCESS = range(200, 299);

/**
 * The IETF draft's semantics: a missing key on an endpoint that requires one is `400`, the key
 * reused with another payload `422`, a request while the first with that key is still processing
 * `409`; a retry gets the stored answer, status and body.
 */
export const ietfProfile: IdempotencyProfile = Object.freeze({
  name: 'ietf',
  keyHeader: 'Idempotency-Key',
  answered: { status: SUCCESS },
  inFlight: { status: [409] },
  payloadMismatch: { status: [422] },
  missingKey: { status: [400] },
  replay: 'status-and-body',
});

/**
 * Stripe's API: the key is optional (a request without one is simply not idempotent); the same
 * key with other parameters is `400` with an `idempotency_error`; a request while another with the
 * key is in progress `409` `idempotency_error`; the first answer (status and body) is replayed.
 */
export const stripeProfile: IdempotencyProfile = Object.freeze({
  name: 'stripe',
  keyHeader: 'Idempotency-Key',
  answered: { status: SUCCESS },
  inFlight: { status: [409], bodyIncludes: 'idempotency_error' },
  payloadMismatch: { status: [400], bodyIncludes: 'idempotency_error' },
  replay: 'status-and-body',
});

/** The profiles idemgate ships, by the name a config gives. */
export const builtinProfiles: Readonly<Record<string, IdempotencyProfile>> = Object.freeze({ ietf: ietfProfile, stripe: stripeProfile });

/** Whether an answer is one the rule describes. */
export const matches = (rule: AnswerRule | undefined, answer: { status: number; body: string }): boolean =>
  rule !== undefined && rule.status.includes(answer.status) && (rule.bodyIncludes === undefined || answer.body.includes(rule.bodyIncludes));

/** What an answer means under a profile. */
export type AnswerMeaning = 'answered' | 'in-flight' | 'payload-mismatch' | 'missing-key' | 'other';

/**
 * Classifies an answer. A status two rules share (Stripe's 400 is both a mismatch and a bad
 * request) is told apart by the rules' body texts, most specific first.
 *
 * @example
 * meaningOf(ietfProfile, { status: 409, body: '…' }); // 'in-flight'
 */
export function meaningOf(profile: IdempotencyProfile, answer: { status: number; body: string }): AnswerMeaning {
  const rules: Array<[Exclude<AnswerMeaning, 'other'>, AnswerRule | undefined]> = [
    ['answered', profile.answered],
    ['in-flight', profile.inFlight],
    ['payload-mismatch', profile.payloadMismatch],
    ['missing-key', profile.missingKey],
  ];
  // A rule with a body text is more specific than one with the status alone.
  for (const [meaning, rule] of rules) if (rule?.bodyIncludes !== undefined && matches(rule, answer)) return meaning;
  for (const [meaning, rule] of rules) if (rule !== undefined && rule.bodyIncludes === undefined && matches(rule, answer)) return meaning;
  return 'other';
}

/** A final answer (the client stops retrying): stored, a mismatch or a missing key. Not in flight, not a server error. */
export const isFinal = (profile: IdempotencyProfile, answer: { status: number; body: string }): boolean => {
  const meaning = meaningOf(profile, answer);
  return meaning === 'answered' || meaning === 'payload-mismatch' || meaning === 'missing-key';
};

const ruleProblems = (where: string, rule: unknown): string[] => {
  if (typeof rule !== 'object' || rule === null) return [`${where} must be { status: number[], bodyIncludes?: string }`];
  const { status, bodyIncludes } = rule as Partial<AnswerRule>;
  const problems: string[] = [];
  if (!Array.isArray(status) || status.length === 0 || !status.every((s) => Number.isInteger(s) && s >= 100 && s <= 599)) {
    problems.push(`${where}.status must be a non-empty list of HTTP statuses (100–599)`);
  }
  if (bodyIncludes !== undefined && (typeof bodyIncludes !== 'string' || bodyIncludes === '')) problems.push(`${where}.bodyIncludes must be a non-empty string`);
  return problems;
};

/**
 * A profile of your own: start from a built-in one and change what your API does differently.
 * Throws CONFIG_INVALID naming the field when a rule is malformed, or when a key's in-flight answer
 * could be taken for a stored one.
 *
 * @example
 * defineIdempotencyProfile({ ...ietfProfile, name: 'ours', payloadMismatch: { status: [409], bodyIncludes: 'key_reused' } });
 */
export function defineIdempotencyProfile(profile: IdempotencyProfile, where = 'profile'): IdempotencyProfile {
  const problems: string[] = [];
  if (typeof profile.name !== 'string' || profile.name === '') problems.push(`${where}.name must be a non-empty string`);
  if (typeof profile.keyHeader !== 'string' || !/^[A-Za-z0-9-]+$/.test(profile.keyHeader)) problems.push(`${where}.keyHeader must be a header name`);
  problems.push(...ruleProblems(`${where}.answered`, profile.answered));
  problems.push(...ruleProblems(`${where}.inFlight`, profile.inFlight));
  problems.push(...ruleProblems(`${where}.payloadMismatch`, profile.payloadMismatch));
  if (profile.missingKey !== undefined) problems.push(...ruleProblems(`${where}.missingKey`, profile.missingKey));
  if (profile.replay !== 'status-and-body' && profile.replay !== 'status') problems.push(`${where}.replay must be 'status-and-body' or 'status'`);
  if (problems.length === 0) {
    const clash = profile.inFlight.status.find((s) => profile.answered.status.includes(s));
    if (clash !== undefined) problems.push(`${where}: status ${clash} is both answered and in flight`);
  }
  if (problems.length > 0) throw new IdemgateError('CONFIG_INVALID', problems.join('; '), { details: { path: where } });
  return profile;
}
