/**
 * FPX reconciliation files, one feature: the Malaysian settlement calendar, the merchant file
 * format, the files a tape implies, the `reconFiles` scenario extension and the five invariants
 * that judge the target's books. Nothing outside this folder is needed to remove it but the
 * export line in `harness/index.ts` (and the `fpx-file` command that writes these files).
 *
 * @example
 * import { reconFiles } from 'idemgate/recon';
 * defineScenario({ name: 'fpx-recon', tapes: ['fixtures/tapes/fpx.jsonl'], faults: [],
 *   extensions: [reconFiles({ path: '/recon/fpx', settlementAccount: 'bank', matches: …, exceptions: … })] });
 */
export {
  checkCivilDate,
  createMalaysianCalendar,
  mytDateOf,
  type CivilDate,
  type MalaysianCalendar,
  type MalaysianCalendarOptions,
} from './calendar.ts';
export { detectShape, fpxHolidayFormat, fpxMerchantFormat, fpxRegularFormat } from './format/merchant-file.ts';
export type { ReconFile, ReconFormat, ReconRow, ReconShape } from './format/types.ts';
export { equivalentRegularFiles, fpxTransactionsOf, reconFileName, reconFilesFor, settlementDatesOf, type FpxTransaction } from './generate.ts';
export { planReconFiles, reconFiles, type ReconDraw, type ReconFilesOptions } from './extension.ts';
export { RECON_FACTS, mappedView } from './facts.ts';
export type { DeliveredReconFile, ReconFacts, ReconMapping, ReconSnapshot, ReconTableMapping } from './facts.ts';
export {
  reconExceptionsReported,
  reconInvariants,
  reconMatchedExactlyOnce,
  reconReingestIdempotent,
  reconSettlementTotals,
  reconShapeEquivalence,
} from './invariants/index.ts';
