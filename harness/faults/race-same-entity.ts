import fc from 'fast-check';
import type { FaultEdit } from '../schedule/schedule.ts';
import { lastStep, requireInteger, type PositionalFault } from './types.ts';

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
export function raceSameEntity({ window = 1 }: { window?: number } = {}): PositionalFault {
  requireInteger('raceSameEntity', 'window', window, 1);
  return (stepCount) =>
    fc
      .record({ at: fc.nat(lastStep(stepCount)), with: fc.integer({ min: 1, max: window }) })
      .map(({ at, with: partner }): FaultEdit => ({ kind: 'race', at, with: partner }));
}
