import fc from 'fast-check';
import type { ProviderEvent } from '../providers/provider.ts';
import { stepExchanges, type Step } from '../schedule/schedule.ts';
import { requireInteger, type ApplyEdit } from './types.ts';

/**
 * The first delivery of `exchange` loses its answer (aborted after `abortAfterMs`), and the client
 * retries right away on its backoff: one retry per `jitter` entry (the jitter draw of that retry),
 * each skipped once the request has been answered; after the last one the client carries on
 * retrying on its timing until answered or out of attempts, before it sends anything else.
 */
export interface ClientRetriesEdit {
  kind: 'client-retries';
  exchange: number;
  abortAfterMs: number;
  jitter: number[];
}

/**
 * A client whose answer is lost (a mobile network dropping, a gateway timing out) and that retries
 * the way real clients do: exponential backoff with jitter, from the client API's retry timing
 * (`clientApis.<name>.retry`), replayed on its time scale. The first retry often lands while the
 * first request is still being processed: the service answers in flight (409) and the next retry
 * must get the stored answer — one effect, the same answer. Drawn only for keyed client requests;
 * shrinks toward one retry, no jitter and a 1 ms abort.
 *
 * @example
 * defineScenario({ …, faults: [clientRetries()] }); // { kind: 'client-retries', exchange: 2, abortAfterMs: 4, jitter: [0.31, 0.9] }
 */
export function clientRetries({ maxAbortAfterMs = 30, maxRetries = 4 }: { maxAbortAfterMs?: number; maxRetries?: number } = {}): (
  stepCount: number,
  events?: readonly ProviderEvent[],
) => fc.Arbitrary<ClientRetriesEdit> | undefined {
  requireInteger('clientRetries', 'maxAbortAfterMs', maxAbortAfterMs, 1);
  requireInteger('clientRetries', 'maxRetries', maxRetries, 1);
  return (_stepCount, events) => {
    const targets = (events ?? []).flatMap((e, exchange) => (e.client === undefined ? [] : [exchange]));
    if (targets.length === 0) return undefined;
    return fc
      .record({
        exchange: fc.constantFrom(...targets),
        abortAfterMs: fc.integer({ min: 1, max: maxAbortAfterMs }),
        // Hundredths: readable in a report and exact in JSON.
        jitter: fc.array(fc.integer({ min: 0, max: 100 }).map((n) => n / 100), { minLength: 1, maxLength: maxRetries }),
      })
      .map(({ exchange, abortAfterMs, jitter }): ClientRetriesEdit => ({ kind: 'client-retries', exchange, abortAfterMs, jitter }));
  };
}

export const applyClientRetries: ApplyEdit<ClientRetriesEdit> = (steps, edit) => {
  const at = steps.findIndex((s) => stepExchanges(s).includes(edit.exchange));
  if (at === -1) return [...steps];
  const step = steps[at]!;
  const lost: Step =
    step.kind === 'send'
      ? { kind: 'send', delivery: { ...step.delivery, abortAfterMs: edit.abortAfterMs } }
      : {
          kind: 'concurrent',
          deliveries: step.deliveries.map((d, i) => (i === step.deliveries.findIndex((x) => x.exchange === edit.exchange) ? { ...d, abortAfterMs: edit.abortAfterMs } : d)),
        };
  // The last drawn retry carries on (a real client does not move on to its next request unanswered).
  const retries: Step[] = edit.jitter.map((jitter, retry) => ({
    kind: 'send',
    delivery: { exchange: edit.exchange, backoff: retry === edit.jitter.length - 1 ? { retry, jitter, untilAnswered: true } : { retry, jitter } },
  }));
  return [...steps.slice(0, at), lost, ...retries, ...steps.slice(at + 1)];
};
