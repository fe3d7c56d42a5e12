import { judge } from '../index.ts';
import type { Invariant, InvariantContext, Violation } from '../invariant.ts';

/** What an invariant found wrong in this context (its judgement's violations), for tests that assert on them. */
export const violationsOf = async (invariant: Invariant, ctx: InvariantContext): Promise<Violation[]> => (await judge(invariant, ctx)).violations;
