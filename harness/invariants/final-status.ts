import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { capViolations, firstRows, groupBy } from './evidence.ts';

const NAME = 'final-status';

const keyOf = (provider: string, entity: string): string => `${provider.toLowerCase()}:${entity}`;

/**
 * Each entity ends in the highest-ranked status delivered, however the deliveries were ordered:
 * a late `processing` must not overwrite `succeeded`. Among equal ranks the latest by event time
 * wins, so a lifecycle that goes back and forth (Stripe subscriptions: one rank) expects the status
 * of its latest event by `created`. Needs the entity mapping; without it the runner marks this
 * invariant not applicable (see `invariantApplies`), and entities outside the mapping's
 * `providers` scope are skipped.
 */
export const finalStatus = defineInvariant({
  name: NAME,
  description: "each entity's stored status is the highest-ranked status delivered (ties: the latest)",
  nothingToJudge: 'no delivered event sets an entity status',
  requires: ['entities'],
  // Judged: the entities whose status the schedule's events say; none delivered, nothing to judge.
  async check({ entities, expected }) {
    if (entities === undefined || expected.finalStatus.size === 0) return { judged: 0, violations: [] };
    // One pass over the stored rows and one over the delivered events, grouped per entity.
    const stored = groupBy(await entities.rows(), (row) => keyOf(row.provider, row.entity));
    const deliveredTo = groupBy(
      [...expected.events.values()].flatMap((e) =>
        e.entity === undefined ? [] : [{ key: keyOf(e.provider, e.entity.entity), delivered: e.identity, status: e.entity.status, rank: e.entity.rank, time: e.entity.time }],
      ),
      (d) => d.key,
    );
    const violations: Violation[] = [];
    for (const want of expected.finalStatus.values()) {
      // A provider or entity the mapping does not hold is not applicable, not missing.
      if (entities.covers?.(want.provider, want.entity) === false) continue;
      const key = keyOf(want.provider, want.entity);
      const rows = stored.get(key) ?? [];
      const delivered = (deliveredTo.get(key) ?? []).map(({ key: _, ...d }) => d);
      const expectedRow = { expected: want.status, provider: want.provider, entity: want.entity, rank: want.rank };
      if (rows.length === 0) {
        violations.push({
          invariant: NAME,
          message: `${want.provider} entity ${want.entity} has no stored status, expected ${want.status}`,
          evidence: firstRows([expectedRow, ...delivered]),
        });
        continue;
      }
      const wrong = rows.filter((r) => r.status.toLowerCase() !== want.status.toLowerCase());
      if (wrong.length > 0) {
        violations.push({
          invariant: NAME,
          message: `${want.provider} entity ${want.entity} is stored as ${wrong.map((r) => r.status).join(', ')}, expected ${want.status} (the highest-ranked status delivered; equal ranks: the latest by event time)`,
          evidence: firstRows([
            expectedRow,
            ...rows.map((r) => ({ stored: r.status, provider: r.provider, entity: r.entity })),
            ...delivered,
          ]),
        });
      }
    }
    return { judged: expected.finalStatus.size, violations: capViolations(NAME, violations, 'entities with a wrong final status') };
  },
});
