import fc from 'fast-check';
import type { ProviderEvent } from '../providers/provider.ts';
import { requireInteger, type ApplyEdit } from './types.ts';
import { sendVariantAfter } from './variant-send.ts';

/** `after` steps after the step delivering `exchange`, the same request is sent without its idempotency key. */
export interface MissingKeyEdit {
  kind: 'missing-key';
  exchange: number;
  after: number;
}

/**
 * A client that forgets the idempotency key (an old app version, a proxy that strips the header)
 * on an API whose profile requires one (IETF: `400`): the service must refuse it and book nothing —
 * a service that processes it charges the customer a second time. Drawn only for requests of a
 * client API whose profile has a missing-key answer (not Stripe's, where a request without a key is
 * simply not idempotent).
 *
 * @example
 * defineScenario({ …, faults: [missingKey()] }); // { kind: 'missing-key', exchange: 0, after: 1 }
 */
export function missingKey({ maxAfter = 3 }: { maxAfter?: number } = {}): (
  stepCount: number,
  events?: readonly ProviderEvent[],
) => fc.Arbitrary<MissingKeyEdit> | undefined {
  requireInteger('missingKey', 'maxAfter', maxAfter, 0);
  return (_stepCount, events) => {
    const targets = (events ?? []).flatMap((e, exchange) => (e.client?.keyRequired === true ? [exchange] : []));
    if (targets.length === 0) return undefined;
    return fc
      .record({ exchange: fc.constantFrom(...targets), after: fc.nat(maxAfter) })
      .map(({ exchange, after }): MissingKeyEdit => ({ kind: 'missing-key', exchange, after }));
  };
}

export const applyMissingKey: ApplyEdit<MissingKeyEdit> = (steps, edit) => sendVariantAfter(steps, edit.exchange, edit.after, { kind: 'missing-key' });
