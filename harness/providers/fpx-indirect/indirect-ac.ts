import { defineProvider } from '../provider.ts';
import { is2xx } from '../_internals/exchange.ts';
import { fpxDirectAc } from '../fpx/direct-ac.ts';

/**
 * FPX Indirect AC: the same AC message, posted by the buyer's browser to the merchant's return
 * URL. It races the Direct AC in either order; both carry the same `fpxTxnId:debitAuthCode`, so
 * they are one event (one credit) to the invariants, and the same FPX entity (`provider: 'fpx'`).
 * A browser does not retry: any 2xx page ends it. Secrets: the FPX ones (`privateKeyPem`).
 *
 * @example
 * fpxIndirectAc.interpret(exchange, tape).identity; // '2603130000003883:00', as the Direct AC
 */
export const fpxIndirectAc = defineProvider({
  name: 'fpx-indirect',
  interpret: (exchange, tape) => fpxDirectAc.interpret(exchange, tape),
  sign: (exchange, ctx) => fpxDirectAc.sign(exchange, ctx),
  acknowledged: (response) => is2xx(response.status),
});
