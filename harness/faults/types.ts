import type fc from 'fast-check';
import type { FaultEdit } from '../schedule/schedule.ts';

/**
 * A fault family: given how many steps the schedule has, an arbitrary of one edit.
 * The step count is passed lazily so one fault definition serves tapes of any length.
 */
export type FaultArbitrary = (stepCount: number) => fc.Arbitrary<FaultEdit>;

/** Largest valid step index for a schedule of `stepCount` steps (0 for an empty one: applyEdits skips it). */
export const lastStep = (stepCount: number): number => Math.max(0, Math.floor(stepCount) - 1);

export function requireInteger(fault: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${fault}: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}
