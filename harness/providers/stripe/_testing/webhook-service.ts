import { createServer } from 'node:http';
import Stripe from 'stripe';
import { listenOnLoopback } from '../../../targets/listen.ts';
import type { RunningTarget } from '../../../targets/types.ts';

/**
 * A small Stripe endpoint for tests, written as a merchant would: it verifies each delivery with
 * the official SDK's `constructEvent` over `secret` and hands the event to `onEvent`. It answers
 * `okStatus` (default 200) when that returns, 400 with the error when it throws.
 *
 * @example
 * start: async ({ database }) => stripeWebhookService(SECRET, (evt) => book(database, evt))
 */
export function stripeWebhookService(
  secret: string,
  onEvent: (evt: Stripe.Event) => Promise<void>,
  okStatus = 200,
): Promise<RunningTarget> {
  const stripe = new Stripe('sk_test_unused');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        await onEvent(
          stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), secret),
        );
        res.writeHead(okStatus).end(okStatus === 204 ? undefined : '{"received":true}');
      })().catch((e: unknown) => res.writeHead(400).end(String(e)));
    });
  });
  return listenOnLoopback(server);
}

/**
 * Stripe event envelopes for a test tape, each `created` a minute after the last (from
 * 2026-03-09), as Stripe sends them: `object: 'event'`, the API version, `data.object`.
 *
 * @example
 * const event = eventStream();
 * tapeOf([event('evt_1', 'invoice.paid', invoice)]);
 */
export function eventStream(start = 1773050000): (id: string, type: string, object: Record<string, unknown>) => string {
  let created = start;
  return (id, type, object) =>
    JSON.stringify({
      id,
      object: 'event',
      api_version: '2025-03-31',
      type,
      created: (created += 60),
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    });
}
