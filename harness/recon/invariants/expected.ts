import { IdemgateError } from '../../errors.ts';
import type { InvariantContext, LedgerReader } from '../../invariants/invariant.ts';
import { createLedgerReader } from '../../invariants/ledger-reader.ts';
import type { LedgerMapping } from '../../invariants/ledger-mapping.ts';
import type { DeliveredReconFile, ReconFacts, ReconMapping } from '../facts.ts';
import { RECON_FACTS } from '../facts.ts';

export interface RowPlace {
  file: string;
  settlementDate: string;
  txnDate: string;
  amountMinor: number;
}

/** How the files' rows should end up, whatever the shapes and however often files arrived. */
export interface ReconExpectation {
  /** Rows that must settle exactly once: FPX says approved, the target was told (an approved AC), same amount. First file wins. */
  settle: Map<string, RowPlace>;
  /** Rows that must be reported and never credited: unknown to the target, failed, or a different amount. */
  report: Map<string, RowPlace & { why: string }>;
}

export const reconFacts = (ctx: Pick<InvariantContext, 'facts'>): ReconFacts | undefined => ctx.facts(RECON_FACTS);

export function expectRecon(files: readonly DeliveredReconFile[], ctx: Pick<InvariantContext, 'expected'>): ReconExpectation {
  const settle = new Map<string, RowPlace>();
  const report = new Map<string, RowPlace & { why: string }>();
  for (const file of files) {
    for (const row of file.rows) {
      const place = { file: file.name, settlementDate: file.settlementDate, txnDate: row.txnDate, amountMinor: row.amountMinor };
      const effect = ctx.expected.effects.get(row.fpxTxnId);
      let why: string | undefined;
      if (row.debitAuthCode !== '00') why = `the row says ${row.debitAuthCode}`;
      else if (effect === undefined) {
        why = ctx.expected.noEffect.has(row.fpxTxnId) ? 'the target saw it fail or stay pending' : 'the target never saw an approved AC for it';
      } else if (effect.amountMinor !== row.amountMinor) why = `the row says ${row.amountMinor} sen, the AC ${effect.amountMinor}`;
      if (why === undefined) {
        if (!settle.has(row.fpxTxnId)) settle.set(row.fpxTxnId, place);
      } else if (!report.has(row.fpxTxnId)) report.set(row.fpxTxnId, { ...place, why });
    }
  }
  return { settle, report };
}

export const rm = (sen: number | bigint | string): string => {
  const n = Number(sen);
  return `RM ${(n < 0 ? '-' : '') + Math.trunc(Math.abs(n) / 100)}.${String(Math.abs(n) % 100).padStart(2, '0')}`;
};

const readers = new WeakMap<object, Map<LedgerMapping, Promise<LedgerReader>>>();

/** The books the reconciliation invariants read: the mapping's own ledger (settlements included), else the config's. */
export function booksOf(ctx: Pick<InvariantContext, 'database' | 'ledger'>, mapping: ReconMapping): Promise<LedgerReader> {
  if (mapping.ledger === undefined) {
    if (ctx.ledger !== undefined) return Promise.resolve(ctx.ledger);
    return Promise.reject(
      new IdemgateError('CONFIG_INVALID', 'the reconciliation invariants read a ledger: map one in the config (ledger) or in the reconciliation mapping (ledger)'),
    );
  }
  let byMapping = readers.get(ctx.database);
  if (byMapping === undefined) readers.set(ctx.database, (byMapping = new Map()));
  let reader = byMapping.get(mapping.ledger);
  if (reader === undefined) byMapping.set(mapping.ledger, (reader = createLedgerReader(ctx.database, mapping.ledger)));
  return reader;
}
