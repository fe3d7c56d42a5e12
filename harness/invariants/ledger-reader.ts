import type { Database } from '../db/database.ts';
import type { EntityReader, EntityRow, LedgerReader, LedgerRow } from './invariant.ts';
import { entityMappingSchema, filled, ledgerMappingSchema, type EntityMapping, type LedgerMapping } from './ledger-mapping.ts';
import { createMappedView, parseMapping } from './table-mapping.ts';
import { toSafeInteger } from './sql.ts';

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
  const { columns: c, sign } = parseMapping(ledgerMappingSchema, mapping);
  const view = await createMappedView(db, mapping, (col) => {
    const amount =
      filled(c.amount)
        ? sign === 'credit-positive'
          ? `-(${col('amount')})`
          : col('amount')
        : `coalesce(${col('debit')}, 0) - coalesce(${col('credit')}, 0)`;
    return {
      txn_id: `cast(${col('txnId')} as text)`,
      account: `cast(${col('account')} as text)`,
      amount_minor: `cast(${amount} as bigint)`,
      currency: `upper(cast(${col('currency')} as text))`,
      reference: `coalesce(cast(${col('reference')} as text), '')`,
    };
  });

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
  parseMapping(entityMappingSchema, mapping);
  const view = await createMappedView(db, mapping, (col) => ({
    provider: `cast(${col('provider')} as text)`,
    entity: `cast(${col('entity')} as text)`,
    status: `cast(${col('status')} as text)`,
  }));
  const sql = `select provider, entity, status from ${view} as e order by 1, 2`;
  const scope =
    mapping.providers === undefined
      ? undefined
      : new Map(Object.entries(mapping.providers).map(([provider, pattern]) => [provider.toLowerCase(), new RegExp(pattern)]));
  return {
    covers: (provider, entity) => {
      if (scope === undefined) return true;
      return scope.get(provider.toLowerCase())?.test(entity) ?? false;
    },
    async rows(): Promise<EntityRow[]> {
      const rows = await db.query<{ provider: string | null; entity: string | null; status: string | null }>(sql);
      return rows.map((r) => {
        const provider = r.provider ?? '';
        return { provider, entity: r.entity ?? '', status: mapStatus(mapping.statusMap, provider, r.status ?? '') };
      });
    },
  };
}
