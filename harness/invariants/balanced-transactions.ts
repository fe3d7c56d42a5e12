import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { MAX_VIOLATIONS, firstRows, groupBy } from './evidence.ts';

const NAME = 'balanced-transactions';

/** Every ledger transaction sums to zero per currency (double entry holds). */
export const balancedTransactions = defineInvariant({
  name: NAME,
  description: 'every ledger transaction sums to zero per currency',
  nothingToJudge: 'the ledger stayed empty',
  requires: ['ledger'],
  // Judged: the ledger's transactions (per currency). An empty ledger has nothing to judge.
  async check({ ledger }) {
    if (ledger === undefined) return { judged: 0, violations: [] };
    // One row always: the counts, and (left-joined) up to MAX_VIOLATIONS unbalanced transactions.
    const found = await ledger.query<{ judged: string; total: string; txn_id: string | null; currency: string | null; imbalance: string | null }>(
      `with g as (select txn_id, currency, sum(amount_minor) as imbalance from ${ledger.view} as l group by txn_id, currency),
            n as (select count(*) as judged, count(*) filter (where imbalance <> 0) as total from g)
       select n.judged, n.total, u.txn_id, u.currency, u.imbalance
         from n left join lateral (
              select txn_id, currency, imbalance from g where imbalance <> 0 order by txn_id, currency limit $1) as u on true
        order by u.txn_id, u.currency`,
      [MAX_VIOLATIONS],
    );
    const judged = Number(found[0]?.judged ?? 0);
    const unbalanced = found.flatMap((u) => (u.txn_id === null ? [] : [{ txn_id: u.txn_id, currency: u.currency ?? '', imbalance: u.imbalance ?? '0' }]));
    if (unbalanced.length === 0) return { judged, violations: [] };
    const txnIds = [...new Set(unbalanced.map((u) => u.txn_id))];
    const rows = await ledger.query<{
      txn_id: string;
      account: string;
      amount_minor: string;
      currency: string;
      reference: string;
    }>(
      `select txn_id, account, amount_minor, currency, reference from ${ledger.view} as l
        where txn_id = any($1::text[]) order by txn_id, currency, account, amount_minor`,
      [txnIds],
    );
    const byTxn = groupBy(rows, (r) => `${r.txn_id}\u0000${r.currency}`);
    const violations: Violation[] = unbalanced.map((u) => {
      const txnRows = byTxn.get(`${u.txn_id}\u0000${u.currency}`) ?? [];
      const references = [...new Set(txnRows.map((r) => r.reference).filter((r) => r !== ''))];
      return {
        invariant: NAME,
        message:
          `transaction ${u.txn_id} does not balance in ${u.currency}: its postings sum to ${u.imbalance}` +
          (references.length > 0 ? ` (reference ${references.join(', ')})` : ''),
        evidence: firstRows(txnRows),
      };
    });
    // Counted before the limit: the number of unbalanced (txn, currency) pairs.
    const total = Number(found[0]!.total);
    if (total > violations.length) {
      violations.push({
        invariant: NAME,
        message: `… and ${total - violations.length} more unbalanced transactions (not listed)`,
        evidence: [],
      });
    }
    return { judged, violations };
  },
});
