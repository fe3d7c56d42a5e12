/**
 * Which table is the ledger and which holds each entity's status, chosen by column names, so a
 * schema with its own vocabulary (`journal_lines(journal_id, account_code, amount_sen, ccy,
 * external_ref)`) maps as well as the reference one.
 */
import { INTEGER_TYPES, type SchemaColumn, type SchemaTable } from './schema-table.ts';

type LedgerRole = 'txnId' | 'account' | 'amount' | 'debit' | 'credit' | 'currency' | 'reference';
type EntityRole = 'provider' | 'entity' | 'status';

/** Patterns per role, best first: the first pattern a column matches ranks it. */
const LEDGER_ROLES: Record<LedgerRole, RegExp[]> = {
  txnId: [/^(txn|transaction|journal|entry_group|posting|batch)_id$/, /^(txn|transaction|journal)(_ref|_no|_uuid)?$/, /(txn|transaction|journal).*_id$/],
  account: [/^account$/, /^account_(code|name|id|no|number|key)$/, /^(acct|acct_code|ledger_account|gl_account|gl_code)$/, /account/],
  amount: [/^amount_(minor|sen|cents|minor_units|in_minor)$/, /^amount$/, /^(amt|value|value_minor|minor_amount|signed_amount)$/, /^amount_/],
  debit: [/^(debit|dr)(_(amount|minor|sen|cents))?$/, /^debit_/],
  credit: [/^(credit|cr)(_(amount|minor|sen|cents))?$/, /^credit_(amount|minor|sen|cents)/],
  currency: [/^(currency|ccy|currency_code|cur|iso_currency)$/, /currency|ccy/],
  reference: [/^(reference|external_ref|external_reference|provider_ref|provider_reference|ext_ref)$/, /^(ref|reference_id|external_id|source_ref)$/, /_ref(erence)?$/],
};

const ENTITY_ROLES: Record<EntityRole, RegExp[]> = {
  provider: [/^(provider|gateway|psp|channel|source|payment_provider|processor)$/],
  entity: [/^(order_ref|order_sn|order_no|order_number|external_ref|provider_ref|payment_ref|reference)$/, /^(order_id|external_id|payment_id|entity_id|ref)$/, /_ref$/],
  status: [/^status$/, /^(state|payment_status|order_status)$/],
};

const MINOR_TYPES = INTEGER_TYPES;

export interface PickedColumn {
  column: string;
  /** How good a match (0 best). */
  rank: number;
  type: string;
}

function pick(columns: readonly SchemaColumn[], patterns: RegExp[], taken: Set<string>): PickedColumn | undefined {
  let best: PickedColumn | undefined;
  for (const c of columns) {
    if (taken.has(c.sqlName)) continue;
    const rank = patterns.findIndex((p) => p.test(c.sqlName.toLowerCase()));
    if (rank >= 0 && (best === undefined || rank < best.rank)) best = { column: c.sqlName, rank, type: c.type };
  }
  if (best !== undefined) taken.add(best.column);
  return best;
}

export interface LedgerInference {
  table: SchemaTable;
  columns: Partial<Record<LedgerRole, PickedColumn>>;
  /** Ledger columns that could not be matched (each becomes a TODO). */
  missing: LedgerRole[];
  sign: 'debit-positive' | 'credit-positive';
  /** Why this sign: a comment in the schema, or the default. */
  signSource: 'schema comment' | 'default';
  /** Other tables that looked like a ledger. */
  others: string[];
  /** The amount column is not an integer type (decimals need a `sql` mapping). */
  nonIntegerAmount?: string;
}

function ledgerCandidate(table: SchemaTable): { score: number; inference: Omit<LedgerInference, 'others'> } | undefined {
  const taken = new Set<string>();
  const columns: Partial<Record<LedgerRole, PickedColumn>> = {};
  for (const role of ['account', 'currency', 'txnId', 'reference'] as const) {
    const c = pick(table.columns, LEDGER_ROLES[role], taken);
    if (c !== undefined) columns[role] = c;
  }
  const debit = pick(table.columns, LEDGER_ROLES.debit, taken);
  const credit = debit === undefined ? undefined : pick(table.columns, LEDGER_ROLES.credit, taken);
  if (debit !== undefined && credit !== undefined) {
    columns.debit = debit;
    columns.credit = credit;
  } else {
    if (debit !== undefined) taken.delete(debit.column);
    const amount = pick(table.columns, LEDGER_ROLES.amount, taken);
    if (amount !== undefined) columns.amount = amount;
  }
  const hasAmount = columns.amount !== undefined || columns.debit !== undefined;
  if (columns.account === undefined || !hasAmount) return undefined;
  const needed: LedgerRole[] = ['txnId', 'account', 'currency', 'reference'];
  const missing = needed.filter((r) => columns[r] === undefined);
  let score = 10 - missing.length * 2;
  for (const c of Object.values(columns)) score -= c.rank * 0.25;
  if (/ledger|journal|entr|posting|line/i.test(table.name)) score += 1;
  const comment = table.comment.toLowerCase();
  const signSource = /credit-positive|debit-positive/.test(comment) ? 'schema comment' : 'default';
  const sign = comment.includes('credit-positive') ? 'credit-positive' : 'debit-positive';
  const amountColumn = columns.amount ?? columns.debit;
  const nonInteger = amountColumn !== undefined && !MINOR_TYPES.has(amountColumn.type) ? amountColumn.column : undefined;
  return {
    score,
    inference: { table, columns, missing, sign, signSource, ...(nonInteger === undefined ? {} : { nonIntegerAmount: nonInteger }) },
  };
}

/** The ledger table: it has an account and an amount (or debit + credit) column; the most complete one wins. */
export function inferLedger(tables: readonly SchemaTable[]): LedgerInference | undefined {
  const ranked = tables
    .map((t) => ledgerCandidate(t))
    .filter((c): c is NonNullable<typeof c> => c !== undefined)
    .sort((a, b) => b.score - a.score);
  const best = ranked[0];
  if (best === undefined) return undefined;
  return { ...best.inference, others: ranked.slice(1).map((c) => c.inference.table.name) };
}

export interface EntityInference {
  table: SchemaTable;
  columns: Partial<Record<EntityRole, string>>;
  missing: EntityRole[];
}

/** The entity/status table: a status column and an entity reference, preferably a provider column. */
export function inferEntities(tables: readonly SchemaTable[], ledgerTable?: string): EntityInference | undefined {
  let best: { score: number; inference: EntityInference } | undefined;
  for (const table of tables) {
    if (table.name === ledgerTable) continue;
    const taken = new Set<string>();
    const columns: Partial<Record<EntityRole, string>> = {};
    let score = 0;
    for (const role of ['status', 'provider', 'entity'] as const) {
      const c = pick(table.columns, ENTITY_ROLES[role], taken);
      if (c !== undefined) {
        columns[role] = c.column;
        score += 3 - c.rank * 0.5;
      }
    }
    if (columns.status === undefined || columns.entity === undefined) continue;
    if (/order|payment|charge|intent|invoice/i.test(table.name)) score += 1;
    const missing = (['provider', 'entity', 'status'] as const).filter((r) => columns[r] === undefined);
    if (best === undefined || score > best.score) best = { score, inference: { table, columns, missing } };
  }
  return best?.inference;
}
