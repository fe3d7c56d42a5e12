import { defineInvariant } from './invariant.ts';
import type { Violation } from './invariant.ts';
import { MAX_VIOLATIONS, firstRows, groupBy } from './evidence.ts';

const NAME = 'balanced-transactions';

/** Every ledger transaction sums to zero per currency (double entry holds). */
export const balancedTransactions = defineInvariant({
  name: NAME,
  description: 'every ledger transaction sums to zero per currency',
  async check({ ledger }) {
    const unbalanced = await ledger.query<{ txn_id: string; currency: string; imbalance: string; total: string }>(
      `select txn_id, currency, sum(amount_minor) as imbalance, count(*) over () as total
         from ${ledger.view} as l
        group by txn_id, currency
       having sum(amount_minor) <> 0
        order by txn_id, currency
        limit $1`,
      [MAX_VIOLATIONS],
    );
    if (unbalanced.length === 0) return [];
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
    // count(*) over () runs before the limit: the number of unbalanced (txn, currency) pairs.
    const total = Number(unbalanced[0]!.total);
    if (total > violations.length) {
      violations.push({
        invariant: NAME,
        message: `… and ${total - violations.length} more unbalanced transactions (not listed)`,
        evidence: [],
      });
    }
    return violations;
  },
});
