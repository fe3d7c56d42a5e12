import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { cleanSchedule, describeSchedule } from '../schedule/schedule.ts';
import { crashRestart } from './crash-restart.ts';
import { applyEdits } from './edits.ts';
import { deliveryCounts, flatDeliveries } from './fault-test-helpers.ts';

describe('crashRestart', () => {
  it('draws both kill points and redelivery gaps within bounds, and says it needs a restartable target', () => {
    const fault = crashRestart({ downtimeMs: 700, maxRedeliverAfter: 1 });
    const edits = fc.sample(fault(4)!, { seed: 3, numRuns: 200 });

    expect(fault.needs).toEqual(['restart']);
    expect(new Set(edits.map((e) => (e.kind === 'crash-restart' ? e.when : 'other')))).toEqual(new Set(['answered', 'upstream-call']));
    for (const e of edits) expect(e).toMatchObject({ kind: 'crash-restart', downtimeMs: 700 });
    expect(new Set(edits.map((e) => (e.kind === 'crash-restart' ? e.redeliverAfter : -1)))).toEqual(new Set([0, 1]));
  });

  it('marks the delivery at `at` for the crash and redelivers the same exchange later, adding nothing else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }).chain((n) => fc.tuple(fc.constant(n), crashRestart({ downtimeMs: 5 })(n)!)),
        ([n, edit]) => {
          if (edit.kind !== 'crash-restart') throw new Error('wrong kind');
          const after = applyEdits(cleanSchedule(n), [edit]);
          const deliveries = flatDeliveries(after);

          expect(deliveries).toHaveLength(n + 1);
          for (let x = 0; x < n; x++) expect(deliveryCounts(after).get(x)).toBe(x === edit.at ? 2 : 1);
          expect(deliveries.filter((d) => d.crash !== undefined)).toEqual([
            { exchange: edit.at, step: edit.at, crash: { when: edit.when, downtimeMs: 5 } },
          ]);
          const redelivery = Math.min(edit.at + 1 + edit.redeliverAfter, n);
          expect(deliveries[redelivery]).toEqual({ exchange: edit.at, step: redelivery });
        },
      ),
      { seed: 11 },
    );
  });

  it('crashes on the first delivery of a concurrent group and keeps the group', () => {
    const after = applyEdits(cleanSchedule(2), [
      { kind: 'concurrent-duplicates', at: 1, width: 2 },
      { kind: 'crash-restart', at: 1, when: 'upstream-call', downtimeMs: 0, redeliverAfter: 0 },
    ]);
    expect(after.steps[1]).toEqual({
      kind: 'concurrent',
      deliveries: [{ exchange: 1, crash: { when: 'upstream-call', downtimeMs: 0 } }, { exchange: 1 }],
    });
    expect(after.steps[2]).toEqual({ kind: 'send', delivery: { exchange: 1 } });
  });

  it('is shown in the schedule a report prints', () => {
    const after = applyEdits(cleanSchedule(1), [{ kind: 'crash-restart', at: 0, when: 'upstream-call', downtimeMs: 1500, redeliverAfter: 0 }]);
    expect(describeSchedule(after, (x) => `#${x}`)).toEqual([
      '  1. #0  [target killed (SIGKILL) at its upstream call, restarted; next delivery ≥ 1.5 s later]',
      '  2. #0',
    ]);
  });

  it('refuses options it cannot use', () => {
    expect(() => crashRestart({ downtimeMs: -1 })).toThrow(IdemgateError);
    expect(() => crashRestart({ maxRedeliverAfter: 0.5 })).toThrow(/maxRedeliverAfter must be an integer/);
  });
});
