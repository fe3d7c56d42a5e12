import { defineScenario, lostAcks, reorderWithin, sequentialDuplicates } from '../harness/index.ts';
import { reconFiles } from '../harness/recon/index.ts';

/** How the reference service records reconciliation (fixtures/merchant-service/src/handlers/recon.ts). */
export const referenceRecon = {
  path: '/recon/fpx',
  settlementAccount: 'bank',
  matches: { table: 'recon_matches', columns: { reference: 'fpx_txn_id', settlementDate: 'settlement_date' } },
  exceptions: { table: 'recon_exceptions', columns: { reference: 'fpx_txn_id' } },
  // The books as the recon invariants read them (the config's mapping would do too; kept explicit).
  ledger: {
    table: 'ledger_entries',
    columns: { txnId: 'txn_id', account: 'account', amount: 'amount_minor', currency: 'currency', reference: 'reference' },
    cashAccounts: ['fpx_clearing', 'bank'],
  },
};

/**
 * FPX reconciliation files after the Direct ACs: Wed–Thu regular files, the Fri–Sun window as a
 * holiday-shaped file settling Monday, rows at 23:59:59 and 00:00:00 MYT; drawn: the other shape,
 * the same file twice (or at once), overlap with the previous day, rows for unknown/failed payments.
 */
export const fpxRecon = defineScenario({
  name: 'fpx-recon',
  description: 'FPX settlement files in both shapes against the ACs they settle',
  tapes: ['fixtures/tapes/fpx.jsonl'],
  faults: [sequentialDuplicates({ maxGap: 3 }), reorderWithin({ window: 4 }), lostAcks({})],
  maxEdits: 3,
  runs: 30,
  extensions: [reconFiles(referenceRecon)],
});
