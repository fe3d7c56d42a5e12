export type { FaultArbitrary, PositionalFault } from './types.ts';
export { sequentialDuplicates } from './sequential-duplicates.ts';
export { concurrentDuplicates } from './concurrent-duplicates.ts';
export { reorderWithin } from './reorder.ts';
export { lostAcks } from './lost-acks.ts';
export { composeFaults } from './compose.ts';
export { raceSameEntity } from './race-same-entity.ts';
export { overtakeWithinEntity } from './overtake.ts';
export { deliveryFaults } from './delivery-faults.ts';
