import type { ScenarioResult, Violation } from './model.ts';

/** Violations grouped by invariant, in the order they were found: the one grouping every report uses. */
export function violationsByInvariant(violations: readonly Violation[]): Map<string, Violation[]> {
  const groups = new Map<string, Violation[]>();
  for (const v of violations) {
    const group = groups.get(v.invariant);
    if (group) group.push(v);
    else groups.set(v.invariant, [v]);
  }
  return groups;
}

/**
 * The invariants a scenario reports on: its own list, plus any invariant that produced a violation
 * without being listed (a custom invariant naming itself differently), so no failure is dropped.
 */
export function reportedInvariants(r: ScenarioResult): string[] {
  const names = [...r.invariants];
  if (r.status === 'failed') for (const v of r.counterexample.violations) if (!names.includes(v.invariant)) names.push(v.invariant);
  return names;
}
