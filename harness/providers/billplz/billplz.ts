import { exchangeBody } from '../../tape/read.ts';
import type { Exchange, Tape } from '../../tape/schema.ts';
import { defineProvider, type ProviderEvent } from '../provider.ts';
import { badExchange, is2xx, replayHeaders, requireSecret } from '../_internals/exchange.ts';
import { billplzSignature } from './signature.ts';

const NAME = 'billplz';

/** Billplz bill status rank: due 0, deleted 1, paid 2 (final). */
export const BILLPLZ_STATUS_RANK: Readonly<Record<string, number>> = Object.freeze({ due: 0, deleted: 1, paid: 2 });

const formOf = (exchange: Exchange): Record<string, string> => {
  const text = exchange.method === 'GET' ? (exchange.path.split('?')[1] ?? '') : exchangeBody(exchange).toString('utf8');
  const fields: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(text)) if (!(k in fields)) fields[k] = v;
  return fields;
};

/** A callback (form POST) or a redirect (GET with billplz[…] query) as plain fields. */
export function billplzFields(exchange: Exchange): { kind: 'callback' | 'redirect'; fields: Record<string, string> } {
  const form = formOf(exchange);
  if (exchange.method !== 'GET') return { kind: 'callback', fields: form };
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(form)) {
    const m = /^billplz\[(.+)\]$/.exec(k);
    if (m) fields[m[1]!] = v;
  }
  return { kind: 'redirect', fields };
}

function describeBillplz(exchange: Exchange, tape: Tape): ProviderEvent {
  const { kind, fields } = billplzFields(exchange);
  const id = fields['id'];
  if (!id) throw badExchange(NAME, exchange, tape, `${kind} has no bill id`);
  const paid = fields['paid'] === 'true';
  const state = paid ? 'paid' : (fields['state'] ?? 'due');
  const rank = BILLPLZ_STATUS_RANK[state];
  if (rank === undefined) throw badExchange(NAME, exchange, tape, `state "${state}" is not due, deleted or paid`);
  const time = Date.parse(fields['paid_at'] ?? fields['due_at'] ?? exchange.recordedAt);
  // A redirect carries no amount: take it from the bill's callback on the same tape.
  // (the bill's *paid* callback: an earlier failed attempt's callback says paid_amount 0).
  const callback =
    kind === 'callback'
      ? fields
      : tape.exchanges
          .map(billplzFieldsSafe)
          .find((x) => x?.kind === 'callback' && x.fields['id'] === id && x.fields['paid'] === fields['paid'])?.fields;
  const event: ProviderEvent = {
    provider: NAME,
    // The redirect and the callback of one payment are the same news: one identity, one credit.
    identity: `${id}:${state}`,
    entity: { entity: id, status: state, rank, time: Number.isNaN(time) ? 0 : time },
    group: id,
  };
  const amount = Number(callback?.['paid_amount'] ?? callback?.['amount']);
  if (paid && Number.isSafeInteger(amount)) event.effect = { reference: id, amountMinor: amount, currency: 'MYR', direction: 'in' };
  else event.noEffectReference = id;
  return event;
}

function billplzFieldsSafe(exchange: Exchange): ReturnType<typeof billplzFields> | undefined {
  return exchange.provider === NAME ? billplzFields(exchange) : undefined;
}

/**
 * A redirect's query with `billplz[x_signature]` made afresh with the configured key over its
 * other `billplz[…]` parameters (the recorded one is valid only for the recording's key). Every
 * parameter keeps its place; a redirect recorded without a signature gets one at the end.
 */
function resignedRedirectQuery(path: string, key: string): string {
  const query = new URLSearchParams(path.split('?')[1] ?? '');
  const signed: Record<string, string> = {};
  for (const [name, value] of query) {
    if (name.startsWith('billplz[') && name !== 'billplz[x_signature]' && !(name in signed)) signed[name] = value;
  }
  query.set('billplz[x_signature]', billplzSignature(signed, key));
  return query.toString();
}

/**
 * Billplz bill callbacks (form POST, X-Signature) and browser redirects (GET with `billplz[…]`
 * parameters). Their order is not fixed; both say a bill was paid. Secrets: `{ xSignatureKey }`.
 *
 * @example
 * billplzCallback.interpret(exchange, tape); // { identity: 'w8n4rjgh:paid', effect: { reference: 'w8n4rjgh', … } }
 */
export const billplzCallback = defineProvider({
  name: NAME,
  interpret: describeBillplz,
  sign(exchange, ctx) {
    const key = requireSecret(NAME, exchange, ctx.secrets, 'xSignatureKey');
    const headers = replayHeaders(exchange, []);
    if (exchange.method === 'GET') return { headers, body: Buffer.alloc(0), query: resignedRedirectQuery(exchange.path, key) };
    const form = formOf(exchange);
    const { x_signature: _, ...rest } = form;
    const body = new URLSearchParams({ ...rest, x_signature: billplzSignature(rest, key) }).toString();
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    return { headers, body: Buffer.from(body, 'utf8') };
  },
  acknowledged: (response) => is2xx(response.status),
});
