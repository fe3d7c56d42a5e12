import fc from 'fast-check';
import { lastStep, requireInteger, stepIndex, type ApplyEdit } from './types.ts';

/**
 * Send step `at` and the step `with` steps after it (1 = the next step) at the same moment, as one
 * concurrent group of two *different* exchanges (e.g. the Direct and the Indirect AC of one
 * payment). The partner step is taken out of its place. Past the end, the partner is the last
 * step; a one-step schedule is left as it is.
 */
export interface RaceEdit {
  kind: 'race';
  at: number;
  with: number;
}

/**
 * Two different exchanges of one entity arrive at the same moment: step `at` and the step `with`
 * steps after it are sent as one concurrent group (FPX's Direct AC and the browser's Indirect AC
 * of one payment, a Billplz callback and its redirect). Schedules are plain data without the
 * tape, so "same entity" means the step `with` later: tapes that keep an entity's exchanges
 * together (fixtures/tapes/fpx-indirect.jsonl, billplz.jsonl) make the next step (`with: 1`, the
 * default and the shrink target) the same payment's other message; a larger `window` also races
 * neighbouring entities.
 *
 * @example
 * defineScenario({ …, faults: [raceSameEntity()] }); // { kind: 'race', at: 4, with: 1 }
 */
export function raceSameEntity({ window = 1 }: { window?: number } = {}): (
  stepCount: number,
) => fc.Arbitrary<RaceEdit> {
  requireInteger('raceSameEntity', 'window', window, 1);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), with: fc.integer({ min: 1, max: window }) })
      .map(({ at, with: partner }): RaceEdit => ({ kind: 'race', at, with: partner }));
}

/** Both steps' deliveries (a lost ack, a whole group) join one concurrent group at the earlier place. */
export const applyRace: ApplyEdit<RaceEdit> = (steps, edit) => {
  if (steps.length < 2) return [...steps];
  const at = stepIndex(edit.at, steps.length);
  // The partner is a later step; from the last step, the one before it.
  const partnerAt =
    at === steps.length - 1 ? at - 1 : Math.min(at + Math.max(1, Math.trunc(edit.with)), steps.length - 1);
  const [first, second] = at < partnerAt ? [at, partnerAt] : [partnerAt, at];
  const deliveries = [steps[first]!, steps[second]!].flatMap((s) => (s.kind === 'send' ? [s.delivery] : s.deliveries));
  const next = [...steps];
  next.splice(second, 1);
  next[first] = { kind: 'concurrent', deliveries };
  return next;
};
