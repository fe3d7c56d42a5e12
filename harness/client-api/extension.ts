import { request } from 'undici';
import { isClientApiProvider, type ClientApiProvider } from '../providers/client-api/provider.ts';
import { adapterResolver } from '../providers/registry.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import { defineExtension, type AfterContext, type ScenarioExtension } from '../runner/extension.ts';
import type { Invariant } from '../invariants/invariant.ts';
import { CLIENT_API_FACTS, type ClientAnswer, type ClientApiFacts, type ClientKeyedExchange } from './facts.ts';
import { clientApiInvariants } from './invariants/index.ts';
import { isFinal } from '../providers/client-api/profile.ts';
import { expiryBoundaries } from '../replay/key-lifetimes.ts';

export interface ClientApiExtensionOptions {
  /** Replaces the client-API invariants (see `clientApiInvariants`). */
  invariants?: Invariant[];
  /** Per follow-up request. Default: the target's request timeout, else 5000 ms. */
  followUpTimeoutMs?: number;
}

const answerOf = (d: DeliveryOutcome): ClientAnswer => ({
  step: d.step,
  origin: d.origin,
  result: d.result,
  ...(d.status === undefined ? {} : { status: d.status }),
  ...(d.body === undefined ? {} : { body: d.body }),
  ...(d.variant === undefined ? {} : { variant: d.variant }),
  startedAtMs: d.startedAtMs,
  endedAtMs: d.startedAtMs + d.durationMs,
});

/** A request whose key may have been left locked: an answer was lost, or it ended without a final one. */
function needsFollowUp(request: ClientKeyedExchange): boolean {
  const own = request.answers.filter((a) => a.variant === undefined);
  if (own.some((a) => a.result !== 'answered')) return true;
  const last = own.at(-1);
  return last !== undefined && !isFinal(request.profile, { status: last.status ?? 0, body: last.body ?? '' });
}

/**
 * The merchant's own Idempotency-Key API as a target: per schedule it gathers every answer each
 * keyed client request got (the schedule's deliveries, the client faults' variants, the clients'
 * retries), sends one follow-up with the same key and payload for each request that lost an
 * answer or ended without a final one (is its key still locked?), and judges them by the client
 * API's profile (`clientApis.<name>.profile`): one effect per key, the stored answer repeated byte
 * for byte, mismatch and missing-key answers as the profile declares, no key left locked.
 *
 * @example
 * defineScenario({
 *   name: 'payments-api',
 *   tapes: ['tapes/payments.jsonl'],
 *   faults: [concurrentDuplicates({ maxWidth: 3 }), clientRetries(), payloadMismatch(), missingKey()],
 *   extensions: [clientApi()],
 * });
 */
export function clientApi(options: ClientApiExtensionOptions = {}): ScenarioExtension {
  return defineExtension({
    key: CLIENT_API_FACTS,
    after: async (ctx: AfterContext): Promise<ClientApiFacts> => {
      const { session, tape, events, deliveries } = ctx;
      const resolve = adapterResolver(session.config);
      const providers = new Map<string, ClientApiProvider | undefined>();
      const clientProvider = (name: string): ClientApiProvider | undefined => {
        if (!providers.has(name)) {
          const p = resolve(name);
          providers.set(name, isClientApiProvider(p) ? p : undefined);
        }
        return providers.get(name);
      };
      const requests = new Map<number, ClientKeyedExchange>();
      for (const d of deliveries) {
        const event = events[d.exchange];
        const provider = clientProvider(d.provider);
        if (event?.client === undefined || provider === undefined) continue;
        let r = requests.get(d.exchange);
        if (r === undefined) {
          r = {
            exchange: d.exchange,
            seq: tape.exchanges[d.exchange]!.seq,
            provider: d.provider,
            route: event.client.route,
            key: event.client.key,
            ...(event.effect === undefined ? {} : { reference: event.effect.reference }),
            profile: provider.profile,
            answers: [],
          };
          requests.set(d.exchange, r);
        }
        r.answers.push(answerOf(d));
      }
      const expiredAtMs = expiryBoundaries(deliveries);
      const timeoutMs = options.followUpTimeoutMs ?? session.config.target.requestTimeoutMs ?? 5000;
      let step = Math.max(-1, ...deliveries.map((d) => d.step)) + 1;
      const end = Math.max(0, ...deliveries.map((d) => d.startedAtMs + d.durationMs));
      for (const r of requests.values()) {
        // A key last used before a wait past the keys' lifetime may be gone: "is it released?" has no answer then.
        const lastEnded = Math.max(...r.answers.map((a) => a.endedAtMs));
        if (!needsFollowUp(r) || expiredAtMs.some((t) => t >= lastEnded)) continue;
        const exchange = tape.exchanges[r.exchange]!;
        const provider = clientProvider(r.provider)!;
        const url = new URL(session.target.baseUrl.replace(/\/+$/, '') + exchange.path);
        const signed = provider.sign(exchange, { secrets: session.config.providers[r.provider] ?? {}, now: new Date(), url: url.href, attempt: r.answers.length + 1 });
        const started = performance.now();
        const answer: ClientAnswer = { step: step++, origin: 'follow-up', result: 'error', startedAtMs: end, endedAtMs: end };
        try {
          const res = await request(url, { method: exchange.method as 'POST', headers: signed.headers, body: signed.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
          answer.result = 'answered';
          answer.status = res.statusCode;
          answer.body = await res.body.text();
        } catch {
          answer.result = 'error';
        }
        answer.endedAtMs = end + (performance.now() - started);
        r.answers.push(answer);
      }
      const retryWaitMs = deliveries.reduce((sum, d) => sum + (d.waitedMs ?? 0), 0);
      return { requests: [...requests.values()], retryWaitMs, ...(expiredAtMs.length === 0 ? {} : { expiredAtMs }) };
    },
    invariants: options.invariants ?? clientApiInvariants,
  });
}
