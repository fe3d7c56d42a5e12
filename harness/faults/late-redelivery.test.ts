import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeSchedule, type Schedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { lateRedelivery } from './late-redelivery.ts';

const clean: Schedule = { steps: [0, 1, 2].map((exchange) => ({ kind: 'send', delivery: { exchange } })) };

describe('lateRedelivery', () => {
  it('sends step at\'s exchange again last, marked to wait until the target is quiet', () => {
    const late = applyEdits(clean, [{ kind: 'late-redelivery', at: 1 }]);
    expect(late.steps).toEqual([...clean.steps, { kind: 'send', delivery: { exchange: 1, afterQuiet: true } }]);
    expect(describeSchedule(late, (x) => `#${x}`)[3]).toBe('  4. #1  [once the target went quiet: its earlier work done]');
  });

  it('draws a step of the schedule and shrinks toward the first', () => {
    fc.assert(fc.property(lateRedelivery()(3), (edit) => edit.at >= 0 && edit.at <= 2));
    const failing = fc.check(fc.property(lateRedelivery()(50), (edit) => edit.at < 10), { seed: 1 });
    expect(failing.counterexample?.[0]).toEqual({ kind: 'late-redelivery', at: 10 });
  });
});
