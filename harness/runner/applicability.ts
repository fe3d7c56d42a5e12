import type { Invariant } from '../invariants/invariant.ts';

/** An invariant that judged nothing in any schedule of a scenario, and why. */
export interface NotApplicable {
  invariant: string;
  reason: string;
}

/**
 * Adds up, over every schedule a scenario ran (the clean replay and shrinking included), how much
 * each invariant judged. An invariant is not applicable only if it judged nothing in every
 * schedule: one schedule with something to judge makes its "held" mean something.
 */
export function createJudgedTally(invariants: readonly Invariant[]): {
  add(executed: { judged: Readonly<Record<string, number>>; unmet: Readonly<Record<string, string>> }): void;
  notApplicable(): NotApplicable[];
} {
  const judged = new Map<string, number>();
  const unmet = new Map<string, string>();
  let schedules = 0;
  return {
    add(executed) {
      schedules++;
      for (const [name, n] of Object.entries(executed.judged)) judged.set(name, (judged.get(name) ?? 0) + n);
      for (const [name, reason] of Object.entries(executed.unmet)) if (!unmet.has(name)) unmet.set(name, reason);
    },
    notApplicable() {
      const seen = new Set<string>();
      return invariants.flatMap((inv): NotApplicable[] => {
        if (seen.has(inv.name) || (judged.get(inv.name) ?? 0) > 0) return [];
        seen.add(inv.name);
        const ran = judged.has(inv.name);
        const reason = !ran && unmet.has(inv.name)
          ? unmet.get(inv.name)!
          : `nothing to judge in ${schedules === 1 ? 'the one schedule' : `any of the ${schedules} schedules`}${inv.nothingToJudge === undefined ? '' : `: ${inv.nothingToJudge}`}`;
        return [{ invariant: inv.name, reason }];
      });
    },
  };
}
