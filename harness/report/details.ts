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

type FailedCounterexample = (ScenarioResult & { status: 'failed' })['counterexample'];

/**
 * The faults the shrunk schedule kept, one line each, as every report shows them: the delivery
 * edits, then each upstream call that got an injected fault (429, 5xx, timeout, 401, answer
 * lost) with what the target saw — so a failure caused by an upstream fault never reads `edits: []`.
 */
export function keptFaultLines(ce: FailedCounterexample): string[] {
  const lines = [`delivery edits: ${ce.draw.edits.length === 0 ? 'none' : JSON.stringify(ce.draw.edits)}`];
  for (const call of ce.upstreamCalls ?? []) {
    if (call.fault === undefined) continue;
    const seen = call.status !== undefined ? `answered ${call.status}` : (call.error ?? 'no answer');
    lines.push(`upstream fault ${call.fault}: ${call.method} ${call.path} at ${call.atMs} ms (${seen})`);
  }
  return lines;
}
