import type { Violation } from './invariant.ts';

/** Evidence rows kept per violation: enough to see the problem, short enough to read. */
export const MAX_EVIDENCE_ROWS = 20;
/** Violations kept per invariant; the rest are summarised in one last violation. */
export const MAX_VIOLATIONS = 50;

export const firstRows = <T>(rows: readonly T[], max = MAX_EVIDENCE_ROWS): T[] => rows.slice(0, max);

/** Keeps the first MAX_VIOLATIONS and says how many more there were. */
export function capViolations(invariant: string, violations: Violation[], what: string): Violation[] {
  if (violations.length <= MAX_VIOLATIONS) return violations;
  const more = violations.length - MAX_VIOLATIONS;
  return [
    ...violations.slice(0, MAX_VIOLATIONS),
    { invariant, message: `… and ${more} more ${what} (not listed)`, evidence: [] },
  ];
}

/** Groups rows by a key, keeping insertion order. */
export function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
