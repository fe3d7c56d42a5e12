import { IdemgateError } from '../errors.ts';
import type { Database } from '../db/database.ts';
import { sqlState } from '../db/_internals/errors.ts';
import type { EntityReader, EntityRow, LedgerReader, LedgerRow } from './invariant.ts';
import type { EntityMapping, LedgerMapping } from './ledger-mapping.ts';
import { quoteIdent, quoteQualified, toSafeInteger } from './_internals/sql.ts';

const describeMapping = (mapping: LedgerMapping | EntityMapping): string => JSON.stringify(mapping);

function invalid(message: string, mapping: LedgerMapping | EntityMapping, cause?: unknown): IdemgateError {
  return new IdemgateError('LEDGER_MAPPING_INVALID', `${message} (mapping: ${describeMapping(mapping)})`, {
    cause,
    details: { mapping },
  });
}

const causeMessage = (e: unknown): string => {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  return cause instanceof Error ? cause.message : String(cause);
};

/** The FROM item the mapping reads from, aliased `src`. */
function sourceOf(mapping: LedgerMapping | EntityMapping): { from: string; label: string } {
  const hasTable = typeof mapping.table === 'string' && mapping.table.trim() !== '';
  const hasSql = typeof mapping.sql === 'string' && mapping.sql.trim() !== '';
  if (hasTable === hasSql) throw invalid('give exactly one of `table` or `sql`', mapping);
  if (hasTable) return { from: `${quoteQualified(mapping.table!.trim())} as src`, label: `table ${mapping.table}` };
  const sql = mapping.sql!.trim().replace(/;\s*$/, '');
  return { from: `(${sql}) as src`, label: 'the mapping sql' };
}

/** Checks the source exists and that every named column is in it, naming what is missing. */
async function checkColumns(
  db: Database,
  mapping: LedgerMapping | EntityMapping,
  source: { from: string; label: string },
  columns: readonly (readonly [key: string, column: string])[],
): Promise<void> {
  try {
    await db.query(`select * from ${source.from} limit 0`);
  } catch (e) {
    const state = sqlState(e);
    if (state === '42P01') throw invalid(`${source.label} does not exist`, mapping, e);
    throw invalid(`cannot read ${source.label}: ${causeMessage(e)}`, mapping, e);
  }
  for (const [key, column] of columns) {
    try {
      await db.query(`select src.${quoteIdent(column)} from ${source.from} limit 0`);
    } catch (e) {
      if (sqlState(e) === '42703')
        throw invalid(`column "${column}" (columns.${key}) is not in ${source.label}`, mapping, e);
      throw invalid(
        `cannot read column "${column}" (columns.${key}) of ${source.label}: ${causeMessage(e)}`,
        mapping,
        e,
      );
    }
  }
}

const col = (name: string): string => `src.${quoteIdent(name)}`;

/**
 * Reads a target's ledger through its mapping. `view` is a parenthesised subquery with the
 * columns txn_id, account, amount_minor (bigint, debit-positive), currency (upper case) and
 * reference ('' when null). Alias it where you use it — PostgreSQL before 16 requires that:
 * `select … from ${ledger.view} as l`.
 *
 * @example
 * const ledger = await createLedgerReader(db, {
 *   table: 'journal', sign: 'debit-positive', cashAccounts: ['bank'],
 *   columns: { txnId: 'jid', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
 * });
 * await ledger.query(`select reference, sum(amount_minor) from ${ledger.view} as l group by 1`);
 */
export async function createLedgerReader(db: Database, mapping: LedgerMapping): Promise<LedgerReader> {
  const source = sourceOf(mapping);
  const c = mapping.columns as Partial<LedgerMapping['columns']> | undefined;
  if (c === undefined || typeof c !== 'object') throw invalid('`columns` is missing', mapping);
  for (const key of ['txnId', 'account', 'currency', 'reference'] as const) {
    if (typeof c[key] !== 'string' || c[key] === '') throw invalid(`columns.${key} is missing`, mapping);
  }
  const hasAmount = typeof c.amount === 'string' && c.amount !== '';
  const hasDebit = typeof c.debit === 'string' && c.debit !== '';
  const hasCredit = typeof c.credit === 'string' && c.credit !== '';
  if (hasAmount && (hasDebit || hasCredit))
    throw invalid('give either columns.amount or columns.debit + columns.credit, not both', mapping);
  if (!hasAmount && !(hasDebit && hasCredit)) {
    throw invalid(
      hasDebit || hasCredit
        ? `columns.${hasDebit ? 'credit' : 'debit'} is missing: a debit/credit pair needs both`
        : 'give columns.amount (signed) or columns.debit + columns.credit',
      mapping,
    );
  }
  if (mapping.sign !== undefined && mapping.sign !== 'debit-positive' && mapping.sign !== 'credit-positive') {
    throw invalid(`sign must be 'debit-positive' or 'credit-positive', not ${JSON.stringify(mapping.sign)}`, mapping);
  }
  if (!Array.isArray(mapping.cashAccounts) || mapping.cashAccounts.length === 0) {
    throw invalid("cashAccounts must name at least one account (where the merchant's money is measured)", mapping);
  }

  const named: [string, string][] = [
    ['txnId', c.txnId!],
    ['account', c.account!],
    ...(hasAmount
      ? ([['amount', c.amount!]] as [string, string][])
      : ([
          ['debit', c.debit!],
          ['credit', c.credit!],
        ] as [string, string][])),
    ['currency', c.currency!],
    ['reference', c.reference!],
  ];
  await checkColumns(db, mapping, source, named);

  const amount = hasAmount
    ? mapping.sign === 'credit-positive'
      ? `-(${col(c.amount!)})`
      : col(c.amount!)
    : `coalesce(${col(c.debit!)}, 0) - coalesce(${col(c.credit!)}, 0)`;
  const view = `(select cast(${col(c.txnId!)} as text) as txn_id,
    cast(${col(c.account!)} as text) as account,
    cast(${amount} as bigint) as amount_minor,
    upper(cast(${col(c.currency!)} as text)) as currency,
    coalesce(cast(${col(c.reference!)} as text), '') as reference
  from ${source.from})`;

  try {
    await db.query(`select * from ${view} as l limit 0`);
  } catch (e) {
    throw invalid(`the mapped columns cannot be read as a ledger: ${causeMessage(e)}`, mapping, e);
  }

  const cashAccounts = [...mapping.cashAccounts];
  return {
    view,
    cashAccounts,
    async rows(): Promise<LedgerRow[]> {
      const rows = await db.query<{
        txn_id: string;
        account: string;
        amount_minor: unknown;
        currency: string;
        reference: string;
      }>(
        `select txn_id, account, amount_minor, currency, reference from ${view} as l
          order by txn_id, account, amount_minor, reference`,
      );
      return rows.map((r) => ({
        txnId: r.txn_id,
        account: r.account,
        amountMinor: toSafeInteger(r.amount_minor, `amount_minor of txn ${r.txn_id} (${r.account})`),
        currency: r.currency,
        reference: r.reference,
      }));
    },
    query: <T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]) => db.query<T>(sql, params),
  };
}

/** Case-insensitive lookup of `status` in a provider's status map. */
function mapStatus(statusMap: EntityMapping['statusMap'], provider: string, status: string): string {
  if (!statusMap) return status;
  const byProvider =
    statusMap[provider] ?? Object.entries(statusMap).find(([p]) => p.toLowerCase() === provider.toLowerCase())?.[1];
  if (!byProvider) return status;
  const hit =
    byProvider[status] ?? Object.entries(byProvider).find(([s]) => s.toLowerCase() === status.toLowerCase())?.[1];
  return hit ?? status;
}

/**
 * Reads each entity's stored status through the entity mapping, translated to the provider
 * adapter's vocabulary by `statusMap` (unmapped statuses are kept as stored; invariants compare
 * them case-insensitively).
 *
 * @example
 * const entities = await createEntityReader(db, { table: 'orders', columns: { provider: 'provider', entity: 'order_ref', status: 'status' } });
 */
export async function createEntityReader(db: Database, mapping: EntityMapping): Promise<EntityReader> {
  const source = sourceOf(mapping);
  const c = mapping.columns as Partial<EntityMapping['columns']> | undefined;
  if (c === undefined || typeof c !== 'object') throw invalid('`columns` is missing', mapping);
  for (const key of ['provider', 'entity', 'status'] as const) {
    if (typeof c[key] !== 'string' || c[key] === '') throw invalid(`columns.${key} is missing`, mapping);
  }
  await checkColumns(db, mapping, source, [
    ['provider', c.provider!],
    ['entity', c.entity!],
    ['status', c.status!],
  ]);
  const sql = `select cast(${col(c.provider!)} as text) as provider, cast(${col(c.entity!)} as text) as entity,
      cast(${col(c.status!)} as text) as status
    from ${source.from} order by 1, 2`;
  return {
    async rows(): Promise<EntityRow[]> {
      const rows = await db.query<{ provider: string | null; entity: string | null; status: string | null }>(sql);
      return rows.map((r) => {
        const provider = r.provider ?? '';
        return { provider, entity: r.entity ?? '', status: mapStatus(mapping.statusMap, provider, r.status ?? '') };
      });
    },
  };
}
