import { defineInvariant } from './invariant.ts';
import type { EntityRow, Violation } from './invariant.ts';
import { capViolations, firstRows } from './evidence.ts';

const NAME = 'final-status';

const keyOf = (provider: string, entity: string): string => `${provider.toLowerCase()}:${entity}`;

/**
 * Each entity ends in the highest-ranked status delivered, however the deliveries were ordered:
 * a late `processing` must not overwrite `succeeded`. Needs the entity mapping; without it the
 * runner marks this invariant not applicable (see `invariantApplies`).
 */
export const finalStatus = defineInvariant({
  name: NAME,
  description: "each entity's stored status is the highest-ranked status delivered (ties: the latest)",
  requires: ['entities'],
  async check({ entities, expected }) {
    if (entities === undefined || expected.finalStatus.size === 0) return [];
    const stored = new Map<string, EntityRow[]>();
    for (const row of await entities.rows()) {
      const key = keyOf(row.provider, row.entity);
      stored.set(key, [...(stored.get(key) ?? []), row]);
    }
    const violations: Violation[] = [];
    for (const want of expected.finalStatus.values()) {
      const rows = stored.get(keyOf(want.provider, want.entity)) ?? [];
      const delivered = [...expected.events.values()]
        .filter((e) => e.provider === want.provider && e.entity?.entity === want.entity)
        .map((e) => ({ delivered: e.identity, status: e.entity!.status, rank: e.entity!.rank, time: e.entity!.time }));
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
          message: `${want.provider} entity ${want.entity} is stored as ${wrong.map((r) => r.status).join(', ')}, expected ${want.status} (the highest-ranked status delivered)`,
          evidence: firstRows([
            expectedRow,
            ...rows.map((r) => ({ stored: r.status, provider: r.provider, entity: r.entity })),
            ...delivered,
          ]),
        });
      }
    }
    return capViolations(NAME, violations, 'entities with a wrong final status');
  },
});
