import type { Invariant } from '../../invariants/invariant.ts';
import { keyReleased } from './key-released.ts';
import { oneEffectPerKey } from './one-effect-per-key.ts';
import { profileAnswers } from './profile-answers.ts';
import { storedAnswerRepeated } from './stored-answer-repeated.ts';

export { keyReleased, oneEffectPerKey, profileAnswers, storedAnswerRepeated };

/** The client-API invariants, in report order. */
export const clientApiInvariants: readonly Invariant[] = [oneEffectPerKey, storedAnswerRepeated, profileAnswers, keyReleased];
