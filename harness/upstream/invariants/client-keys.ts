import type { FactsReader } from '../../invariants/facts.ts';
import { UPSTREAM_FACTS, type ClientKeyAnswer, type ClientKeyedRequest, type UpstreamFacts } from '../facts.ts';

export type { ClientKeyAnswer, ClientKeyedRequest } from '../facts.ts';

/** What the upstream extension adds to its facts for the client-key invariants. */
export type ClientKeyFacts = Pick<UpstreamFacts, 'clientRequests'>;

/** The keyed client requests the upstream extension recorded, or undefined without the extension. */
export const clientRequestsOf = (facts: FactsReader): ClientKeyedRequest[] | undefined =>
  facts(UPSTREAM_FACTS)?.clientRequests;

/** One answer as evidence. */
export const answerRow = (a: ClientKeyAnswer): Record<string, unknown> => ({
  step: a.step,
  origin: a.origin,
  outcome: a.result === 'answered' ? String(a.status) : a.result,
  ...(a.body === undefined ? {} : { body: a.body.slice(0, 200) }),
  startedAtMs: Math.round(a.startedAtMs * 10) / 10,
  endedAtMs: Math.round(a.endedAtMs * 10) / 10,
});

/** Answered deliveries, in the order their answers came. */
export const answered = (request: ClientKeyedRequest): ClientKeyAnswer[] =>
  request.answers.filter((a) => a.result === 'answered' && a.status !== undefined).sort((a, b) => a.endedAtMs - b.endedAtMs || a.step - b.step);
