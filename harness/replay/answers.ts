import type { Provider } from '../providers/provider.ts';
import type { Tape } from '../tape/schema.ts';
import type { DeliveryOutcome } from './outcome.ts';

/**
 * One exchange the target answers otherwise than it did when the tape was recorded: information,
 * not a violation (a service that answered 200 in production and 500 now is worth knowing).
 */
export interface AnswerDifference {
  /** Index into the tape's exchanges. */
  exchange: number;
  /** `#12 stripe evt_…`. */
  label: string;
  recorded: { status: number; body?: string };
  /** The first delivery's answer in the clean replay; `result` other than `answered` when there was none. */
  replayed: { result: DeliveryOutcome['result']; status?: number; body?: string; error?: string };
}

/** The recorded answers set against the clean replay's: how many could be compared, and those that differ. */
export interface AnswerComparison {
  /** Exchanges with a recorded answer that the clean replay delivered. */
  compared: number;
  differences: AnswerDifference[];
}

/** A body is shown up to this many characters: enough for an error envelope, short in a report. */
export const ANSWER_BODY_CHARS = 160;

const clip = (body: string): string => (body.length <= ANSWER_BODY_CHARS ? body : `${body.slice(0, ANSWER_BODY_CHARS)}…`);

/**
 * Sets each recorded answer (`exchange.response`) against the first answer to the same exchange in
 * a clean replay. An exchange differs when its status differs, or, with the same status, when its
 * provider reads the two bodies differently (FPX's `OK` against anything else at 200): a body that
 * changed without changing what the provider understands (a new field in a JSON echo) is not listed.
 * A request that got no answer at all (timeout, error) differs from any recorded one. Undefined
 * when the tape recorded no answer.
 *
 * @example
 * compareAnswers(tape, cleanRun.deliveries, providerOf, (x) => `#${x + 1}`);
 * // { compared: 44, differences: [{ exchange: 11, label: '#12', recorded: { status: 200 }, replayed: { result: 'answered', status: 500, body: '{"error":"boom"}' } }] }
 */
export function compareAnswers(
  tape: Tape,
  deliveries: readonly DeliveryOutcome[],
  provider: (name: string) => Provider,
  label: (exchange: number) => string,
): AnswerComparison | undefined {
  if (!tape.exchanges.some((x) => x.response !== undefined)) return undefined;
  const first = new Map<number, DeliveryOutcome>();
  for (const d of deliveries) if (d.variant === undefined && !first.has(d.exchange)) first.set(d.exchange, d);
  let compared = 0;
  const differences: AnswerDifference[] = [];
  for (const [exchange, outcome] of [...first].sort(([a], [b]) => a - b)) {
    const recorded = tape.exchanges[exchange]?.response;
    if (recorded === undefined) continue;
    compared++;
    const ack = provider(outcome.provider).acknowledged;
    const same =
      outcome.result === 'answered' &&
      outcome.status === recorded.status &&
      ack({ status: recorded.status, body: recorded.body }) === ack({ status: outcome.status, body: outcome.body ?? '' });
    if (same) continue;
    const bodiesMatter = outcome.status === recorded.status;
    differences.push({
      exchange,
      label: label(exchange),
      recorded: { status: recorded.status, ...(bodiesMatter ? { body: clip(recorded.body) } : {}) },
      replayed: {
        result: outcome.result,
        ...(outcome.status === undefined ? {} : { status: outcome.status }),
        ...(outcome.body === undefined || outcome.body === '' ? {} : { body: clip(outcome.body) }),
        ...(outcome.error === undefined ? {} : { error: outcome.error }),
      },
    });
  }
  return { compared, differences };
}

/**
 * One line per difference, for the console and the reports.
 *
 * @example
 * describeAnswerDifference(d); // '#12 stripe evt_1: recorded 200, now 500 {"error":"boom"}'
 */
export function describeAnswerDifference(d: AnswerDifference): string {
  const now = d.replayed.result === 'answered' ? `${d.replayed.status}${d.replayed.body === undefined ? '' : ` ${d.replayed.body}`}` : `${d.replayed.result}${d.replayed.error === undefined ? '' : ` (${d.replayed.error})`}`;
  const recorded = d.recorded.body === undefined ? `${d.recorded.status}` : `${d.recorded.status} ${d.recorded.body}`;
  return `${d.label}: recorded ${recorded}, now ${now}`;
}
