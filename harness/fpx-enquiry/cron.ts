import { factsKey } from '../invariants/facts.ts';
import { defineExtension, type ScenarioExtension } from '../runner/extension.ts';
import { FPX_ENQUIRY_JOB_PATH } from '../providers/fpx-enquiry-tick/tick.ts';

/** What the closing cron run did (`ctx.facts(FPX_ENQUIRY_CRON_FACTS)`). */
export interface FpxEnquiryCronFacts {
  /** HTTP status of each attempt, in order (the last is the one that counted). */
  statuses: number[];
  /** The last answer's body (the reference service reports its counts there). */
  body: string;
}

/** The key the cron extension publishes what its closing run did under. */
export const FPX_ENQUIRY_CRON_FACTS = factsKey<FpxEnquiryCronFacts>('fpx-enquiry-cron');

/**
 * The merchant's cron keeps ticking after the recorded traffic stops: once a schedule has been
 * replayed and is quiescent, this runs the status-enquiry job once more (up to `attempts` times
 * until it answers 2xx). Without it, a schedule whose faults pushed a pending AC after the tape's
 * last tick (a reorder, a lost acknowledgement redelivered late, a subset without ticks) would
 * leave the payment pending through no fault of the target, while the tape expects the enquiry's
 * answer. The ticks on the tape are still where duplicates, races and reordering hit the job.
 *
 * @example
 * defineScenario({ name: 'fpx-enquiry', tapes: ['fixtures/tapes/fpx-enquiry.jsonl'], faults, extensions: [fpxEnquiryCron()] });
 */
export function fpxEnquiryCron({ attempts = 3 }: { attempts?: number } = {}): ScenarioExtension {
  return defineExtension({
    key: FPX_ENQUIRY_CRON_FACTS,
    async after({ session, tape }): Promise<FpxEnquiryCronFacts> {
      const ticks = tape.exchanges.filter((x) => x.provider === 'fpx-enquiry-tick');
      const path = session.config.target.endpoints?.['fpx-enquiry-tick'] ?? ticks.at(-1)?.path ?? FPX_ENQUIRY_JOB_PATH;
      const facts: FpxEnquiryCronFacts = { statuses: [], body: '' };
      for (let i = 0; i < attempts; i++) {
        const response = await fetch(new URL(path, session.target.baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        });
        facts.statuses.push(response.status);
        facts.body = await response.text();
        if (response.ok) break;
      }
      await session.upstream.idle(1000);
      return facts;
    },
  });
}
