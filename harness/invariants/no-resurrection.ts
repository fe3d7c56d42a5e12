import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { capViolations, firstRows, groupBy } from './evidence.ts';

const NAME = 'no-resurrection';

const keyOf = (provider: string, entity: string): string => `${provider.toLowerCase()}:${entity}`;

/**
 * An entity that reached a terminal status (a subscription canceled, a session expired, an invoice
 * void) is not stored in a non-terminal one unless an event at least as late (by the provider's
 * event time) carries that status: a late retry of an old `active` must not bring a canceled
 * customer back. Weaker than final-status (it judges only terminal entities, and only statuses the
 * adapter named) so a service that keeps its own vocabulary can still use it. Needs the entity
 * mapping; entities outside its `providers` scope are skipped.
 */
export const noResurrection = defineInvariant({
  name: NAME,
  description: 'an entity that reached a terminal status is not stored in a non-terminal one unless a later event says so',
  nothingToJudge: 'no delivered event took an entity to a terminal status',
  requires: ['entities'],
  // Judged: the entities that reached a terminal status in the delivered events.
  async check({ entities, expected }) {
    if (entities === undefined) return { judged: 0, violations: [] };
    const delivered = groupBy(
      [...expected.events.values()].flatMap((e) =>
        e.entity === undefined || entities.covers?.(e.provider, e.entity.entity) === false
          ? []
          : [{ key: keyOf(e.provider, e.entity.entity), provider: e.provider, delivered: e.identity, ...e.entity }],
      ),
      (d) => d.key,
    );
    const stored = groupBy(await entities.rows(), (row) => keyOf(row.provider, row.entity));
    const violations: Violation[] = [];
    let judged = 0;
    for (const [key, events] of delivered) {
      const terminal = events.filter((e) => e.terminal === true);
      if (terminal.length === 0) continue;
      judged += 1;
      const end = terminal.reduce((a, b) => (b.time > a.time ? b : a));
      const same = (status: string) => events.filter((e) => e.status.toLowerCase() === status.toLowerCase());
      for (const row of stored.get(key) ?? []) {
        const carrying = same(row.status);
        // A status no delivered event names is the service's own: final-status judges it.
        if (carrying.length === 0 || carrying.some((e) => e.terminal === true)) continue;
        if (carrying.some((e) => e.time >= end.time)) continue;
        violations.push({
          invariant: NAME,
          message: `${end.provider} entity ${end.entity} is stored as ${row.status}, but it ended ${end.status} at ${new Date(end.time).toISOString()} and no later event says ${row.status}`,
          evidence: firstRows([
            { stored: row.status, provider: row.provider, entity: row.entity },
            ...events.map((e) => ({ delivered: e.delivered, status: e.status, ...(e.terminal ? { terminal: true } : {}), time: e.time })),
          ]),
        });
      }
    }
    return { judged, violations: capViolations(NAME, violations, 'entities brought back from a terminal status') };
  },
});
