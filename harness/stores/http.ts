import { request } from 'undici';
import { maskSecrets } from '../_internals/mask.ts';
import { IdemgateError } from '../errors.ts';
import type { HttpStore } from './types.ts';

/** A path (`/test/reset`) is on the target's base URL; anything else is used as it is. */
export const hookUrl = (url: string, baseUrl: string): string => (url.startsWith('/') ? `${baseUrl.replace(/\/+$/, '')}${url}` : url);

/** Calls a reset hook once; STORE_INVALID naming it unless it answered 2xx within `timeoutMs`. */
export async function callResetHook(store: HttpStore, index: number, baseUrl: string, timeoutMs: number): Promise<void> {
  const url = hookUrl(store.url, baseUrl);
  const method = store.method ?? 'POST';
  const shown = maskSecrets(url);
  const fail = (what: string, cause?: unknown): IdemgateError<'STORE_INVALID'> =>
    new IdemgateError('STORE_INVALID', `target.stores[${index}]: reset hook ${method} ${shown} ${what}`, {
      details: { url: shown, store: index },
      ...(cause === undefined ? {} : { cause }),
    });
  let status: number;
  let body: string;
  try {
    const res = await request(url, { method: method as 'POST', signal: AbortSignal.timeout(timeoutMs) });
    status = res.statusCode;
    body = await res.body.text();
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') throw fail(`got no answer within ${timeoutMs} ms`, e);
    throw fail(`failed: ${(e as Error).message}`, e);
  }
  if (status < 200 || status >= 300) throw fail(`answered ${status}${body === '' ? '' : `: ${body.slice(0, 200)}`} (2xx required)`);
}
