/**
 * A request sent again with its key after the key's lifetime is a new request (IETF draft): its
 * answer opens a new lifetime of the key, which later retries must repeat, and it must not be
 * refused as if the key were still held (in flight) or remembered with another payload.
 */
import { describe, expect, it } from 'vitest';
import type { InvariantContext, Judgement } from '../../invariants/invariant.ts';
import { ietfProfile } from '../../providers/client-api/profile.ts';
import { CLIENT_API_FACTS, type ClientAnswer, type ClientApiFacts } from '../facts.ts';
import { profileAnswers } from './profile-answers.ts';
import { storedAnswerRepeated } from './stored-answer-repeated.ts';

const answer = (step: number, status: number, body: string, expired = false): ClientAnswer => ({
  step,
  origin: 'schedule',
  result: 'answered',
  status,
  body,
  ...(expired ? { variant: { kind: 'after-key-expiry' as const } } : {}),
  startedAtMs: step * 100,
  endedAtMs: step * 100 + 40,
});

const judge = async (inv: typeof storedAnswerRepeated, answers: ClientAnswer[]): Promise<Judgement> => {
  const expiredAtMs = answers.filter((a) => a.variant?.kind === 'after-key-expiry').map((a) => a.startedAtMs);
  const facts: ClientApiFacts = { requests: [{ exchange: 0, seq: 1, provider: 'payments', route: 'payment', key: 'k1', reference: 'pay_1', profile: ietfProfile, answers }], retryWaitMs: 0, expiredAtMs };
  const ctx = { facts: (key: unknown) => (key === CLIENT_API_FACTS ? facts : undefined) } as unknown as InvariantContext;
  return (await inv.check(ctx)) as Judgement;
};

describe('a request sent again after its key expired', () => {
  it('may get a new answer, which the retries after it must repeat (stored-answer-repeated per lifetime of the key)', async () => {
    const first = answer(0, 201, '{"psp":"a"}');
    const renewed = answer(1, 201, '{"psp":"b"}', true);
    expect((await judge(storedAnswerRepeated, [first, renewed, answer(3, 201, '{"psp":"b"}')])).violations).toEqual([]);

    const j = await judge(storedAnswerRepeated, [first, renewed, answer(3, 201, '{"psp":"c"}')]);

    expect(j.violations.map((v) => v.message)).toEqual([expect.stringContaining('the first answer was 201 and a later one with the same key and payload 201 with another body')]);
  });

  it('breaks profile-answers when answered in flight or as a payload mismatch: the key was not forgotten', async () => {
    expect((await judge(profileAnswers, [answer(0, 201, '{}'), answer(1, 201, '{}', true)])).violations).toEqual([]);

    const j = await judge(profileAnswers, [answer(0, 201, '{}'), answer(1, 409, '{"error":"request_in_progress"}', true)]);

    expect(j.violations.map((v) => v.message)).toEqual([
      expect.stringMatching(/sent again with its key and payload after the key's lifetime \(keyTtlMs\) was answered 409 \(in flight: .*the ietf profile treats it as a new request/),
    ]);
  });
});
