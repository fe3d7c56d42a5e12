import type fc from 'fast-check';
import type { ProviderEvent } from '../providers/provider.ts';
import type { FaultEdit } from '../schedule/schedule.ts';
import { IdemgateError } from '../errors.ts';

/**
 * A fault family: given how many steps the schedule has (and what each exchange of the tape
 * means, for faults that need entities and statuses), an arbitrary of one edit, or undefined when
 * the tape offers this fault nothing to work on. Passed lazily so one fault definition serves
 * tapes of any length.
 */
export type FaultArbitrary = (stepCount: number, events?: readonly ProviderEvent[]) => fc.Arbitrary<FaultEdit> | undefined;

/** A fault that needs only positions: always has something to draw. */
export type PositionalFault = (stepCount: number) => fc.Arbitrary<FaultEdit>;

/** Largest valid step index for a schedule of `stepCount` steps (0 for an empty one: applyEdits skips it). */
export const lastStep = (stepCount: number): number => Math.max(0, Math.floor(stepCount) - 1);

export function requireInteger(fault: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new IdemgateError('FAULT_INVALID', `${fault}: ${name} must be an integer >= ${min}, got ${String(value)}`, {
      details: { fault, option: name },
    });
  }
  return value;
}
