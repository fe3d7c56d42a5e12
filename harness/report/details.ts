import { describeAnswerDifference, describeTimingPlan, type ScenarioResult, type Violation } from './model.ts';

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

/**
 * For a failure of the clean replay that was shrunk: what it was before (the whole tape, every
 * entity) and what it broke there, so a wrong effect model that misses every refund still reads
 * as "every", though the schedule shown has one. Undefined for other failures.
 */
export function shrunkFromText(r: ScenarioResult & { status: 'failed' }): string | undefined {
  const from = r.shrunkFrom;
  if (from === undefined) return undefined;
  const counts = new Map<string, number>();
  for (const v of from.violations) counts.set(v.invariant, (counts.get(v.invariant) ?? 0) + 1);
  const broke = [...counts].map(([name, n]) => (n === 1 ? name : `${name} ×${n}`)).join(', ');
  const entities = (n: number): string => `${n} ${n === 1 ? 'entity' : 'entities'}`;
  const steps = (n: number): string => `${n} ${n === 1 ? 'step' : 'steps'}`;
  return (
    `found on the clean replay of the whole tape (${entities(from.groups)}, ${steps(from.steps)}), where it broke ${broke}; ` +
    `shrunk to ${entities(r.counterexample.draw.groups.length)}, ${steps(r.counterexample.steps.length)}`
  );
}

/** Answer differences listed by name in a report; the rest are counted. */
export const MAX_ANSWER_LINES = 10;

/**
 * The recorded answers the clean replay answered otherwise, as every report shows them: a heading
 * and one line per difference (at most MAX_ANSWER_LINES, then a count). Information, not a
 * violation. Undefined when nothing differs or nothing was compared.
 */
export function answerDifferenceLines(r: ScenarioResult): { head: string; lines: string[] } | undefined {
  const answers = r.answers;
  if (answers === undefined || answers.differences.length === 0) return undefined;
  const n = answers.differences.length;
  const lines = answers.differences.slice(0, MAX_ANSWER_LINES).map(describeAnswerDifference);
  if (n > MAX_ANSWER_LINES) lines.push(`… ${n - MAX_ANSWER_LINES} more`);
  return { head: `recorded answers: ${n} of ${answers.compared} differ in the clean replay (information, not a violation)`, lines };
}

/** How the scenario was replayed when not as usual: `exact replay`, the recorded timing's plan. Undefined otherwise. */
export function replayModeText(r: ScenarioResult): string | undefined {
  const parts = [...(r.exact === true ? ['exact replay: the clean replay only, no faults'] : []), ...(r.timing === undefined ? [] : [describeTimingPlan(r.timing)])];
  return parts.length === 0 ? undefined : parts.join('; ');
}
