import fc from 'fast-check';
import type { MismatchField, ProviderEvent } from '../providers/provider.ts';
import { requireInteger, type ApplyEdit } from './types.ts';
import { sendVariantAfter } from './variant-send.ts';

/**
 * After the step delivering `exchange`, `after` steps later, the same client request is sent again
 * with the same idempotency key and one field of its payload changed (`field`: one minor unit more,
 * another currency). It names the exchange, so it means the same on any subset of the tape; when
 * the exchange is not in the schedule nothing changes.
 */
export interface PayloadMismatchEdit {
  kind: 'payload-mismatch';
  exchange: number;
  field: MismatchField;
  after: number;
}

/**
 * A client reusing an idempotency key with another payload (a bug in the client, a user editing
 * the amount and pressing "pay" again): the service must answer the profile's mismatch (IETF
 * `422`, Stripe `400 idempotency_error`) and do nothing — neither replay the stored answer as if
 * the payload were the same nor book the new amount. Draws only keyed client requests (a
 * client-API provider's) with a changeable body field; shrinks toward the first such request and
 * the variant sent right after it.
 *
 * `fields` defaults to the amount only: another currency is often refused by the service's own
 * validation before it looks at the key (the reference service answers 400 "only MYR is
 * supported"), which is no idempotency bug; add `'currency'` for a service that checks the key first.
 *
 * @example
 * defineScenario({ …, faults: [payloadMismatch()] }); // { kind: 'payload-mismatch', exchange: 3, field: 'amount', after: 0 }
 */
export function payloadMismatch({ maxAfter = 3, fields = ['amount'] }: { maxAfter?: number; fields?: readonly MismatchField[] } = {}): (
  stepCount: number,
  events?: readonly ProviderEvent[],
) => fc.Arbitrary<PayloadMismatchEdit> | undefined {
  requireInteger('payloadMismatch', 'maxAfter', maxAfter, 0);
  return (_stepCount, events) => {
    const targets = (events ?? []).flatMap((e, exchange) =>
      (e.client?.mismatchFields ?? []).filter((f) => fields.includes(f)).map((field) => ({ exchange, field })),
    );
    if (targets.length === 0) return undefined;
    return fc
      .record({ target: fc.constantFrom(...targets), after: fc.nat(maxAfter) })
      .map(({ target, after }): PayloadMismatchEdit => ({ kind: 'payload-mismatch', exchange: target.exchange, field: target.field, after }));
  };
}

export const applyPayloadMismatch: ApplyEdit<PayloadMismatchEdit> = (steps, edit) =>
  sendVariantAfter(steps, edit.exchange, edit.after, { kind: 'payload-mismatch', field: edit.field });
