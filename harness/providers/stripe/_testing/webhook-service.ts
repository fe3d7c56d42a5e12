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
