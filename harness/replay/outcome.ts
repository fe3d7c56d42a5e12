import type { RequestVariant } from '../providers/provider.ts';

/** What happened to one delivery during replay. Plain data; reports and invariants read it. */
export interface DeliveryOutcome {
  /** 0-based step in the schedule; redeliveries after the schedule get steps after the last one. */
  step: number;
  exchange: number;
  provider: string;
  /** How many times this exchange had been sent before, + 1. */
  attempt: number;
  /** `redelivery` = sent by the provider-retry sweep after the schedule because no ack was seen. */
  origin: 'schedule' | 'redelivery';
  result: 'answered' | 'aborted' | 'timeout' | 'error';
  status?: number;
  body?: string;
  error?: string;
  acknowledged: boolean;
  startedAtMs: number;
  durationMs: number;
  /** The request was sent differently from its recording (a client fault). */
  variant?: RequestVariant;
  /** Real milliseconds waited before sending it (a retry's scaled backoff or delay). */
  waitedMs?: number;
  /** Real milliseconds of recorded gap waited before its step (recorded timing; on an exchange's first delivery only). */
  gapMs?: number;
}
