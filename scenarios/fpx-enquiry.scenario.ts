import { concurrentDuplicates, defineScenario, lostAcks, reorderWithin, sequentialDuplicates } from '../harness/index.ts';
import { fpxEnquiryCron } from '../harness/fpx-enquiry/index.ts';

/**
 * FPX payments first seen as `09` (pending), resolved by the merchant's AE status-enquiry cron
 * job or by a late `00` Direct AC: ticks reordered against the late 00, duplicated, run
 * concurrently, and acknowledgements lost. The cron runs once more after each schedule
 * (`fpxEnquiryCron`), as a real cron keeps ticking.
 */
export const fpxEnquiry = defineScenario({
  name: 'fpx-enquiry',
  description: 'pending FPX payments resolved by AE status enquiries racing late Direct ACs, with duplicated, concurrent and reordered cron ticks',
  tapes: ['fixtures/tapes/fpx-enquiry.jsonl'],
  faults: [reorderWithin({ window: 4 }), sequentialDuplicates({ maxGap: 3 }), concurrentDuplicates({ maxWidth: 3 }), lostAcks({ maxRedeliverAfter: 3 })],
  extensions: [fpxEnquiryCron()],
  runs: 40,
});
