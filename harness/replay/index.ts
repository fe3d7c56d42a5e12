export type { DeliveryOutcome } from './outcome.ts';
export { createReplayer, replaySchedule } from './replay.ts';
export type { ReplayOptions, ReplayOverrides, Replayer } from './replay.ts';
export { MAX_BODY_BYTES } from './deliver.ts';
export { systemClock, type Clock } from './clock.ts';
