/**
 * Stripe Events API list pages made of Stripe-shaped events: the events of the generated
 * `stripe-charges.jsonl` traffic (fixtures/tapes/stripe-objects.ts builders: every key of each
 * type, `null` where Stripe sends `null`; type-checked against the official `stripe` package by
 * fixtures/tapes/generate-stripe-charges.test.ts), as the Events API lists them.
 */
import { DEFAULT_SEED, generateStripeTape } from '../../../fixtures/tapes/generate.ts';

/** The events, oldest first, as Stripe sent them. */
export function stripeShapedEvents(seed = DEFAULT_SEED): Record<string, unknown>[] {
  return generateStripeTape(seed, { objects: 'stripe' }).exchanges.map((e) => JSON.parse(e.body) as Record<string, unknown>);
}

/**
 * The Events API's pages over `events` (given oldest first): newest first, `pageSize` a page, each
 * page after the first repeating the last `overlap` events of the page before (as pages fetched
 * while new events arrive do), `has_more: false` on the last.
 */
export function eventsListPages(events: readonly Record<string, unknown>[], pageSize: number, overlap = 0): Record<string, unknown>[] {
  const newestFirst = [...events].reverse();
  const pages: Record<string, unknown>[] = [];
  for (let start = 0; start < newestFirst.length; start += pageSize - overlap) {
    const data = newestFirst.slice(start, start + pageSize);
    const last = start + pageSize >= newestFirst.length;
    pages.push({ object: 'list', data, has_more: !last, url: '/v1/events' });
    if (last) break;
  }
  return pages;
}
