export type { DeliveryOutcome } from './outcome.ts';
export { createReplayer, replaySchedule } from './replay.ts';
export type { ReplayOptions, ReplayOverrides, Replayer } from './replay.ts';
export { MAX_BODY_BYTES } from './deliver.ts';
export { systemClock, type Clock } from './clock.ts';
export { DEFAULT_MAX_GAP_MS, describeTimingPlan, recordedTiming, timingPlan } from './timing.ts';
export type { RecordedTiming, TimingPlan } from './timing.ts';
