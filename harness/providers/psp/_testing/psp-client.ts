import { request } from 'undici';
import { PSP_TEST_SECRET_KEY } from '../api.ts';

/** A PSP client as the merchant is one: form-encoded POSTs with the test secret key, JSON answers. */
export async function pspPost(base: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${PSP_TEST_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies of many shapes, read field by field
  return { status: res.statusCode, headers: res.headers, body: (await res.body.json()) as Record<string, any> };
}

/** A confirmed charge of MYR 150.00 for order `ord_1`. */
export const CHARGE_FORM = { amount: '15000', currency: 'myr', confirm: 'true', 'metadata[order_ref]': 'ord_1' };
