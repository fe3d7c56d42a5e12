import { parseSpan, splitJsonValues } from './json-text.ts';
import { emptySource, endpointFor, importInvalid, isoAt, type ImportTarget, type InputFile, type Origin, type SourceResult } from './source.ts';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Occurrence {
  event: Record<string, unknown>;
  body: string;
  /** The event without `pending_webhooks`, which changes between fetches of one event: what two copies must agree on. */
  content: string;
  origin: Origin;
  /** Read from an Events API list (the event exists) rather than a delivery stream (it was delivered). */
  listed: boolean;
  /** Position among every event read, in input order. */
  index: number;
}

/** An event as Stripe sends it: an `evt_` id, a type, a `created` Unix time. */
function checkEvent(value: unknown, origin: Origin): Record<string, unknown> {
  if (!isRecord(value)) throw importInvalid(origin, `not a Stripe event: expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  const { id, type, created, object } = value;
  if (object !== undefined && object !== 'event') throw importInvalid(origin, `not a Stripe event: object is ${JSON.stringify(object)}, expected "event" (or a list of events)`);
  if (typeof id !== 'string' || id === '') throw importInvalid(origin, 'Stripe event without an id');
  if (typeof type !== 'string' || type === '') throw importInvalid(origin, `Stripe event ${id} has no type`);
  if (typeof created !== 'number' || !Number.isSafeInteger(created) || created <= 0) {
    throw importInvalid(origin, `Stripe event ${id} has no created time (a Unix time in seconds), got ${JSON.stringify(created)}`);
  }
  return value;
}

/**
 * Stripe events, from any mix of: the Events API's list JSON (`{"object":"list","data":[…]}`, one
 * page or several, in files or one after another), `stripe events list` (the same JSON), and
 * `stripe listen --print-json` (one event per line, or pretty-printed events one after another).
 *
 * Each event becomes a delivery to the Stripe endpoint, at its `created` time, with the body as
 * Stripe sends it (`JSON.stringify(event, null, 2)`) and no signature (replay signs afresh).
 * Order: by `created`; events of one second keep the order Stripe made them in — a delivery
 * stream's order, and the reverse of a list's, since lists are newest first.
 * Copies of one event id: a list copy is dropped when another input has the same bytes (pages
 * that overlap, or a list beside the deliveries themselves); two deliveries with the same bytes
 * are kept (Stripe redelivers); two bodies under one id are an error naming both places.
 */
export function readStripeEvents(inputs: readonly InputFile[], target: ImportTarget): SourceResult {
  const result = emptySource();
  const byId = new Map<string, Occurrence[]>();
  const order: Occurrence[] = [];
  let pages = 0;
  let lastPages = 0;
  const add = (value: unknown, origin: Origin, listed: boolean): void => {
    const event = checkEvent(value, origin);
    // pending_webhooks counts the deliveries still owed when the page was fetched: two pages fetched
    // at different times show one event with different counts, which is not another body.
    const { pending_webhooks: _, ...content } = event;
    const occurrence: Occurrence = { event, body: JSON.stringify(event, null, 2), content: JSON.stringify(content), origin, listed, index: order.length };
    order.push(occurrence);
    const id = event['id'] as string;
    const same = byId.get(id);
    if (same === undefined) byId.set(id, [occurrence]);
    else same.push(occurrence);
  };
  for (const { file, text } of inputs) {
    const spans = splitJsonValues(file, text, ['data']);
    if (spans.length === 0) throw importInvalid({ file, line: 1 }, 'empty: no Stripe events or event lists in this file');
    for (const span of spans) {
      const value = parseSpan(file, text, span);
      const origin = { file, line: span.line };
      if (isRecord(value) && value['object'] === 'list') {
        const data = value['data'];
        if (!Array.isArray(data)) throw importInvalid(origin, 'a Stripe list without a data array');
        pages++;
        if (value['has_more'] === false) lastPages++;
        data.forEach((item, k) => add(item, { file, line: span.itemLines[k] ?? span.line }, true));
      } else add(value, origin, false);
    }
  }
  if (pages > 0 && lastPages === 0) {
    result.notes.push(`no Events API page says has_more: false: older events than these ${pages} page(s) hold may be missing`);
  }

  const path = endpointFor(target, 'stripe');
  for (const occurrence of order) {
    const copies = byId.get(occurrence.event['id'] as string)!;
    // Each id's copies are compared once, when its first copy comes up.
    const differing = copies[0] === occurrence && copies.length > 1 ? copies.find((c) => c.content !== occurrence.content) : undefined;
    if (differing !== undefined) {
      throw importInvalid(
        differing.origin,
        `Stripe event ${String(occurrence.event['id'])} has another body at ${copies[0]!.origin.file}:${copies[0]!.origin.line}: ` +
          'Stripe never sends two bodies under one event id (an edited export, or two exports mixed up?)',
      );
    }
    if (occurrence.listed) {
      // A listed event is one delivery whatever the number of pages that show it; when deliveries of it were read too, they stand for it.
      const delivered = copies.some((c) => !c.listed);
      const firstListed = copies.find((c) => c.listed)!;
      if (delivered || firstListed !== occurrence) {
        result.overlapsDropped++;
        continue;
      }
    }
    const ms = (occurrence.event['created'] as number) * 1000;
    result.deliveries.push({
      provider: 'stripe',
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: occurrence.body,
      bodyEncoding: 'utf8',
      at: ms,
      recordedAt: isoAt(ms),
      origin: occurrence.origin,
      // Lists are newest first: among events of one second, a later list position is an earlier event.
      tie: occurrence.listed ? -occurrence.index : occurrence.index,
    });
  }
  return result;
}
