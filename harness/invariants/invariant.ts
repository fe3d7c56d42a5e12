import type { EntityStatus, LedgerEffect, ProviderEvent } from '../providers/provider.ts';
import type { Database } from '../db/database.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import type { FactsKey, FactsReader } from './facts.ts';

/** One ledger posting as every invariant sees it, whatever the target's own schema. */
export interface LedgerRow {
  txnId: string;
  account: string;
  /** Signed minor units: positive = debit, negative = credit. */
  amountMinor: number;
  currency: string;
  /** The provider reference the posting belongs to (may be empty for postings without one). */
  reference: string;
}

/** An entity's status as stored by the target. */
export interface EntityRow {
  provider: string;
  entity: string;
  status: string;
}

/**
 * Read access to the target's books through the ledger mapping. `view` is a SQL subquery with
 * the normalised columns (txn_id, account, amount_minor, currency, reference), so invariants
 * can aggregate in the database when ledgers are large.
 */
export interface LedgerReader {
  readonly view: string;
  /** Accounts whose movement is the merchant's money (cash, clearing, wallet): the effect is measured there. */
  readonly cashAccounts: readonly string[];
  rows(): Promise<LedgerRow[]>;
  query<T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

export interface EntityReader {
  rows(): Promise<EntityRow[]>;
  /**
   * Whether the mapping holds this provider's entity (its `providers` scope); status invariants
   * skip the others as not applicable. Absent: it holds every entity.
   */
  covers?(provider: string, entity: string): boolean;
}

/** What the tape and the providers say the books should show, computed once per scenario. */
export interface Expectations {
  /** Every distinct event delivered at least once in the schedule, by identity. */
  events: ReadonlyMap<string, ProviderEvent>;
  /** Expected effects by reference (one effect per reference). */
  effects: ReadonlyMap<string, LedgerEffect>;
  /** References that must show no effect (failed/pending and never approved). */
  noEffect: ReadonlySet<string>;
  /** Expected final status per `${provider}:${entity}`: the highest-ranked status delivered. */
  finalStatus: ReadonlyMap<string, EntityStatus & { provider: string }>;
  /**
   * References that may be booked again, by how many more times: a client request sent again after
   * its idempotency key expired is a new request (IETF draft), which the service may process.
   * Absent or 0: exactly once.
   */
  rebookable?: ReadonlyMap<string, number>;
}

export interface InvariantContext {
  /** The target's books through the config's ledger mapping; undefined when the config maps no ledger. */
  ledger: LedgerReader | undefined;
  entities: EntityReader | undefined;
  expected: Expectations;
  deliveries: readonly DeliveryOutcome[];
  /** The ledger after the clean replay of the same tape, for the differential oracle. */
  baseline: readonly LedgerRow[] | undefined;
  database: Database;
  /**
   * What the scenario's extensions saw (upstream call logs, ingested files), read by their key:
   * `ctx.facts(UPSTREAM_FACTS)`. Undefined when that extension is not in the scenario.
   */
  facts: FactsReader;
}

/**
 * What an invariant needs before it can judge anything: the ledger mapping (`'ledger'`), the
 * entity mapping (`'entities'`), the clean replay's ledger (`'baseline'`), or an extension's facts
 * (its key). An invariant whose requirement is missing is not applicable: it is not run and never
 * counted as held.
 */
export type Requirement = 'ledger' | 'entities' | 'baseline' | FactsKey<unknown>;

export interface Violation {
  invariant: string;
  message: string;
  /** The rows that prove it: ledger rows, expected vs actual, deliveries. */
  evidence: Record<string, unknown>[];
}

/**
 * What an invariant made of one schedule: how many things it judged (expected effects, ledger
 * transactions, entities, deliveries — whatever it checks one by one) and what broke. `judged: 0`
 * means it had nothing to judge there; an invariant that judges nothing in every schedule of a
 * scenario is reported as not applicable, never as held.
 */
export interface Judgement {
  judged: number;
  violations: Violation[];
}

export interface Invariant {
  readonly name: string;
  readonly description: string;
  /**
   * What it means when it judged nothing, in words for the not-applicable reason ("no delivered
   * event expects a ledger effect").
   */
  readonly nothingToJudge?: string;
  /** What must be there for the invariant to apply. Default: nothing. */
  readonly requires?: readonly Requirement[];
  /**
   * Judges one schedule. Return a `Judgement` to say how much was judged; a plain list of
   * violations is taken to have judged something (it can then never be "not applicable").
   */
  check(ctx: InvariantContext): Promise<Judgement | Violation[]>;
}

/**
 * @example
 * export const balancedTransactions = defineInvariant({
 *   name: 'balanced-transactions',
 *   description: 'every ledger transaction sums to zero per currency',
 *   check: async ({ ledger }) => (await ledger.query(`select … from ${ledger.view} …`)).map(…),
 * });
 */
export const defineInvariant = <I extends Invariant>(invariant: I): I => invariant;
