/**
 * A request sent again with forged headers (`Idempotent-Replayed: true`) carries its own key and
 * payload: it is a retry, so its answer must be the stored one. A middleware that answers it with
 * a made-up "already handled" answer breaks stored-answer-repeated; profile-answers (mismatch and
 * missing key) does not judge it.
 */
import { describe, expect, it } from 'vitest';
import type { InvariantContext, Judgement } from '../../invariants/invariant.ts';
import { ietfProfile } from '../../providers/client-api/profile.ts';
import { CLIENT_API_FACTS, type ClientAnswer, type ClientApiFacts } from '../facts.ts';
import { profileAnswers } from './profile-answers.ts';
import { storedAnswerRepeated } from './stored-answer-repeated.ts';

const stored: ClientAnswer = { step: 0, origin: 'schedule', result: 'answered', status: 201, body: '{"id":"pay_1","psp":"psp_a"}', startedAtMs: 0, endedAtMs: 40 };
const forged = (status: number, body: string): ClientAnswer => ({
  step: 1,
  origin: 'schedule',
  result: 'answered',
  status,
  body,
  variant: { kind: 'forged-headers', headers: { 'Idempotent-Replayed': 'true' } },
  startedAtMs: 41,
  endedAtMs: 45,
});

const judge = async (inv: typeof storedAnswerRepeated, answers: ClientAnswer[]): Promise<Judgement> => {
  const facts: ClientApiFacts = { requests: [{ exchange: 0, seq: 1, provider: 'payments', route: 'payment', key: 'k1', reference: 'pay_1', profile: ietfProfile, answers }], retryWaitMs: 0 };
  const ctx = { facts: (key: unknown) => (key === CLIENT_API_FACTS ? facts : undefined) } as unknown as InvariantContext;
  return (await inv.check(ctx)) as Judgement;
};

describe('an answer to a request with forged headers', () => {
  it('breaks stored-answer-repeated when it is a made-up "already handled" answer, naming the forged header', async () => {
    const j = await judge(storedAnswerRepeated, [stored, forged(200, '{"replayed":true}')]);
    expect(j.violations).toHaveLength(1);
    expect(j.violations[0]!.message).toMatch(/the first answer was 201 and a later one with the same key and payload 200/);
    expect(j.violations[0]!.evidence[1]).toMatchObject({ variant: 'forged-headers:Idempotent-Replayed', outcome: '200' });
  });

  it('holds when it is the stored answer, byte for byte', async () => {
    const j = await judge(storedAnswerRepeated, [stored, forged(201, stored.body!)]);
    expect(j).toEqual({ judged: 1, violations: [] });
  });

  it('is not judged by profile-answers (it is neither a reused key with another payload nor a missing key)', async () => {
    const j = await judge(profileAnswers, [stored, forged(201, stored.body!)]);
    expect(j).toEqual({ judged: 0, violations: [] });
  });
});
