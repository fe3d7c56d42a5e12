import { z } from 'zod';
import type { Assert, Same } from '../_internals/same-type.ts';
import { columnSchema, tableMappingSchema, type TableMapping, type TableSource } from './table-mapping.ts';

/**
 * How to read a target's ledger, whatever its schema. Either name a table and its columns, or
 * give a SQL query whose result has the columns named in `columns`.
 *
 * Amounts are either one signed column (`amount`, with `sign` saying which way is positive) or
 * a debit/credit column pair. All amounts are integers in minor units; a target that stores
 * decimals can map them in `sql` (e.g. `round(amount * 100)::bigint`).
 *
 * @example
 * ledger: {
 *   table: 'journal_lines',
 *   columns: { txnId: 'journal_id', account: 'account_code', amount: 'amount_sen',
 *              currency: 'ccy', reference: 'external_ref' },
 *   sign: 'debit-positive',
 *   cashAccounts: ['1000-bank', '1010-psp-clearing'],
 * }
 */
export interface LedgerMapping extends TableSource {
  columns: {
    txnId: string;
    account: string;
    currency: string;
    /** The column holding the provider's reference (payment intent, refund, FPX txn id, ordersn). */
    reference: string;
    /** Signed amount in minor units. Either this or debit+credit. */
    amount?: string;
    debit?: string;
    credit?: string;
  };
  /** For a signed `amount`: which direction is positive. Default `debit-positive`. */
  sign?: 'debit-positive' | 'credit-positive';
  /** Accounts that hold the merchant's money; an effect is the net movement on these. */
  cashAccounts: string[];
}

/** Where the target stores each entity's current status (for status monotonicity). */
export interface EntityMapping extends TableMapping<'provider' | 'entity' | 'status'> {
  /** Map the target's status vocabulary to the provider adapter's (default: identity, case-insensitive). */
  statusMap?: Record<string, Record<string, string>>;
  /**
   * The providers whose entities the mapping holds, each with a regular expression its entity ids
   * match ('' = all), e.g. `{ stripe: '^sub_' }` for a service that stores only subscriptions.
   * Status invariants are not applicable to the others. Absent: every provider, every entity.
   */
  providers?: Record<string, string>;
}

/** An optional column; an empty name counts as not given. */
const optionalColumn = () => z.string().optional();
/** Whether an optional column is given. */
export const filled = (s: string | undefined): s is string => s !== undefined && s !== '';

/** The ledger mapping's runtime check; `LedgerMapping` is checked against it at compile time. */
export const ledgerMappingSchema = tableMappingSchema({
  txnId: columnSchema('txnId'),
  account: columnSchema('account'),
  currency: columnSchema('currency'),
  reference: columnSchema('reference'),
  amount: optionalColumn(),
  debit: optionalColumn(),
  credit: optionalColumn(),
})
  .and(
    z.object({
      sign: z
        .enum(['debit-positive', 'credit-positive'], {
          error: (issue) => `sign must be 'debit-positive' or 'credit-positive', not ${JSON.stringify(issue.input)}`,
        })
        .optional(),
      cashAccounts: z
        .array(z.string(), { error: "cashAccounts must name at least one account (where the merchant's money is measured)" })
        .min(1, "cashAccounts must name at least one account (where the merchant's money is measured)"),
    }),
  )
  .superRefine(({ columns: c }, ctx) => {
    const amount = filled(c.amount);
    const debit = filled(c.debit);
    const credit = filled(c.credit);
    if (amount && (debit || credit)) {
      ctx.addIssue({ code: 'custom', message: 'give either columns.amount or columns.debit + columns.credit, not both' });
    } else if (!amount && debit !== credit) {
      const missing = debit ? 'credit' : 'debit';
      ctx.addIssue({ code: 'custom', path: ['columns', missing], message: `columns.${missing} is missing: a debit/credit pair needs both` });
    } else if (!amount && !debit) {
      ctx.addIssue({ code: 'custom', message: 'give columns.amount (signed) or columns.debit + columns.credit' });
    }
  });

/** The entity mapping's runtime check; `EntityMapping` is checked against it at compile time. */
export const entityMappingSchema = tableMappingSchema({
  provider: columnSchema('provider'),
  entity: columnSchema('entity'),
  status: columnSchema('status'),
}).and(
  z.object({
    statusMap: z.record(z.string(), z.record(z.string(), z.string())).optional(),
    providers: z
      .record(
        z.string(),
        z.string().refine(
          (pattern) => {
            try {
              new RegExp(pattern);
              return true;
            } catch {
              return false;
            }
          },
          { error: 'not a regular expression for entity ids' },
        ),
      )
      .optional(),
  }),
);

type _LedgerMappingMatchesSchema = Assert<Same<z.infer<typeof ledgerMappingSchema>, LedgerMapping>>;
type _EntityMappingMatchesSchema = Assert<Same<z.infer<typeof entityMappingSchema>, EntityMapping>>;
