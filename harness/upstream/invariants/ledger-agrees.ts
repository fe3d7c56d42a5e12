import { UPSTREAM_FACTS } from '../facts.ts';
import type { PspLedgerEntry } from '../../providers/psp/api.ts';
import { defineInvariant, type Invariant, type Violation } from '../../invariants/invariant.ts';
import { capViolations, groupBy } from '../../invariants/evidence.ts';
import { toSafeInteger } from '../../invariants/sql.ts';
import { upstreamFacts } from './sequences.ts';

const NAME = 'upstream-ledger-agrees';

/** The reference a PSP entry is booked under by the target: metadata, else the PSP's id. */
export type PspEntrySubject = (entry: PspLedgerEntry) => string;

export const defaultPspEntrySubject: PspEntrySubject = (entry) =>
  entry.kind === 'charge'
    ? (entry.metadata['order_ref'] ?? entry.metadata['order_id'] ?? entry.id)
    : (entry.metadata['refund_ref'] ?? entry.id);

/**
 * The PSP's own books and the target's agree per reference: money charged upstream (refunds
 * negative) equals the net the target booked on its cash accounts under that reference. A charge
 * made twice upstream, or one booked locally without an upstream charge, breaks it.
 */
export function upstreamLedgerAgrees(subjectOf: PspEntrySubject = defaultPspEntrySubject): Invariant {
  return defineInvariant({
    name: NAME,
    description: 'charges and refunds the PSP made agree with what the target booked (none twice, none missing)',
    requires: ['ledger', UPSTREAM_FACTS],
    async check({ facts: reader, ledger }) {
      const facts = upstreamFacts(reader);
      if (facts === undefined || ledger === undefined) return [];
      const upstreamBySubject = groupBy(facts.pspLedger, subjectOf);
      const subjects = [...new Set([...facts.pspSubjects, ...upstreamBySubject.keys()])].sort();
      if (subjects.length === 0) return [];
      const rows = await ledger.query<{ reference: string; net: unknown; txns: unknown }>(
        `select reference, sum(amount_minor) as net, count(distinct txn_id) as txns from ${ledger.view} as l
          where account = any($1::text[]) and reference = any($2::text[]) group by reference`,
        [ledger.cashAccounts, subjects],
      );
      const local = new Map(rows.map((r) => [r.reference, { net: toSafeInteger(r.net, `net of ${r.reference}`), txns: Number(r.txns) }]));
      const violations: Violation[] = [];
      for (const subject of subjects) {
        const entries = upstreamBySubject.get(subject) ?? [];
        const upstreamNet = entries.reduce((sum, e) => sum + (e.kind === 'charge' ? e.amountMinor : -e.amountMinor), 0);
        const booked = local.get(subject) ?? { net: 0, txns: 0 };
        const kinds = new Set(entries.map((e) => e.kind));
        const twice = [...kinds].some((k) => entries.filter((e) => e.kind === k).length > 1);
        if (upstreamNet === booked.net && !twice) continue;
        const what = twice
          ? `made ${entries.length} times upstream`
          : entries.length === 0
            ? 'booked locally with no charge or refund upstream'
            : 'booked differently from what the PSP did';
        violations.push({
          invariant: NAME,
          message: `${subject}: ${what} (PSP net ${upstreamNet}, target cash net ${booked.net} in ${booked.txns} transaction(s))`,
          evidence: [
            { subject, upstreamNetMinor: upstreamNet, targetNetMinor: booked.net, targetTransactions: booked.txns },
            ...entries.slice(0, 19).map((e) => ({ kind: e.kind, id: e.id, amountMinor: e.amountMinor, idempotencyKey: e.idempotencyKey ?? null })),
          ],
        });
      }
      return capViolations(NAME, violations, 'references where the PSP and the target disagree');
    },
  });
}
