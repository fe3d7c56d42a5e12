import type { Step } from '../schedule/schedule.ts';
import { IdemgateError } from '../errors.ts';

/**
 * What one kind of fault edit does to a schedule; each fault module exports one beside the
 * arbitrary that draws the edit (as a fast-check model command carries both `check` and `run`).
 * It gets the steps the edits so far produced (never empty) and returns the new list, without
 * mutating the steps it is given (it may reuse them). The edit stays plain data, so it shrinks
 * and replays from its JSON.
 */
export type ApplyEdit<E extends { kind: string }> = (steps: readonly Step[], edit: E) => Step[];

/** Largest valid step index for a schedule of `stepCount` steps (0 for an empty one: applyEdits skips it). */
export const lastStep = (stepCount: number): number => Math.max(0, Math.floor(stepCount) - 1);

/**
 * The step a positional edit's `at` names in a schedule of `length` (> 0) steps: taken modulo the
 * length (non-negative), so any edit applies to any schedule and fast-check can shrink tapes and
 * edits independently; a hand-written or negative `at` still names a real step.
 */
export const stepIndex = (at: number, length: number): number => ((Math.trunc(at) % length) + length) % length;

/** An insertion or move target, kept within `0..max`. */
export const clamp = (n: number, max: number): number => Math.max(0, Math.min(n, max));

export function requireInteger(fault: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new IdemgateError('FAULT_INVALID', `${fault}: ${name} must be an integer >= ${min}, got ${String(value)}`, {
      details: { fault, option: name },
    });
  }
  return value;
}
