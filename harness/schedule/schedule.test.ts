import { describe, expect, it } from 'vitest';
import { applyEdits, cleanSchedule, describeSchedule, scheduleExchanges, type Schedule } from './schedule.ts';

describe('cleanSchedule', () => {
  it('sends every exchange once in tape order', () => {
    expect(scheduleExchanges(cleanSchedule(4))).toEqual([0, 1, 2, 3]);
  });
});

describe('applyEdits', () => {
  it('does not mutate the schedule it is given', () => {
    const base = cleanSchedule(3);
    const before = structuredClone(base);

    applyEdits(base, [
      { kind: 'concurrent-duplicates', at: 1, width: 3 },
      { kind: 'reorder', at: 0, offset: 2 },
    ]);

    expect(base).toEqual(before);
  });

  it('takes positions modulo the length, also for negative positions', () => {
    const wrapped = applyEdits(cleanSchedule(4), [{ kind: 'duplicate', at: 6, gap: 0 }]);
    const negative = applyEdits(cleanSchedule(4), [{ kind: 'duplicate', at: -1, gap: 0 }]);

    expect(scheduleExchanges(wrapped)).toEqual([0, 1, 2, 2, 3]);
    expect(scheduleExchanges(negative)).toEqual([0, 1, 2, 3, 3]);
  });

  it('clamps moves and insertions past the end to the end', () => {
    const moved = applyEdits(cleanSchedule(3), [{ kind: 'reorder', at: 0, offset: 50 }]);
    const duplicated = applyEdits(cleanSchedule(3), [{ kind: 'duplicate', at: 0, gap: 50 }]);

    expect(scheduleExchanges(moved)).toEqual([1, 2, 0]);
    expect(scheduleExchanges(duplicated)).toEqual([0, 1, 2, 0]);
  });

  it('applies edits in order, later positions referring to the edited schedule', () => {
    const after = applyEdits(cleanSchedule(3), [
      { kind: 'duplicate', at: 0, gap: 0 },
      { kind: 'concurrent-duplicates', at: 1, width: 2 },
    ]);

    expect(after.steps).toEqual([
      { kind: 'send', delivery: { exchange: 0 } },
      { kind: 'concurrent', deliveries: [{ exchange: 0 }, { exchange: 0 }] },
      { kind: 'send', delivery: { exchange: 1 } },
      { kind: 'send', delivery: { exchange: 2 } },
    ]);
  });

  it('keeps a concurrent group whole when its acknowledgement is lost', () => {
    const after = applyEdits(cleanSchedule(2), [
      { kind: 'concurrent-duplicates', at: 0, width: 3 },
      { kind: 'lost-ack', at: 0, abortAfterMs: 5, redeliverAfter: 0 },
    ]);

    expect(after.steps).toEqual([
      {
        kind: 'concurrent',
        deliveries: [{ exchange: 0, abortAfterMs: 5 }, { exchange: 0 }, { exchange: 0 }],
      },
      { kind: 'send', delivery: { exchange: 0 } },
      { kind: 'send', delivery: { exchange: 1 } },
    ]);
  });

  it('keeps a lost acknowledgement when the step becomes concurrent', () => {
    const after = applyEdits(cleanSchedule(1), [
      { kind: 'lost-ack', at: 0, abortAfterMs: 7, redeliverAfter: 0 },
      { kind: 'concurrent-duplicates', at: 0, width: 2 },
    ]);

    expect(after.steps[0]).toEqual({
      kind: 'concurrent',
      deliveries: [{ exchange: 0, abortAfterMs: 7 }, { exchange: 0 }],
    });
  });

  it('widens a width below 2 to a real pair', () => {
    const after = applyEdits(cleanSchedule(1), [{ kind: 'concurrent-duplicates', at: 0, width: 1 }]);

    expect(after.steps[0]).toEqual({ kind: 'concurrent', deliveries: [{ exchange: 0 }, { exchange: 0 }] });
  });

  it('leaves an empty schedule empty', () => {
    expect(applyEdits({ steps: [] }, [{ kind: 'duplicate', at: 0, gap: 0 }])).toEqual({ steps: [] });
  });
});

describe('describeSchedule', () => {
  it('numbers steps and marks lost acks and concurrency', () => {
    const schedule: Schedule = {
      steps: [
        { kind: 'send', delivery: { exchange: 0, abortAfterMs: 9 } },
        { kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 1 }] },
      ],
    };

    expect(describeSchedule(schedule, (x) => `ex${x}`)).toEqual([
      '  1. ex0  [ack lost: abort after 9 ms]',
      '  2. concurrently ×2: ex1',
    ]);
  });
});

describe('applyEdits: race', () => {
  it('sends step `at` and the next step as one concurrent group of two exchanges', () => {
    const after = applyEdits(cleanSchedule(4), [{ kind: 'race', at: 1, with: 1 }]);

    expect(after.steps).toEqual([
      { kind: 'send', delivery: { exchange: 0 } },
      { kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 2 }] },
      { kind: 'send', delivery: { exchange: 3 } },
    ]);
  });

  it('takes the partner `with` steps later, clamped to the last step', () => {
    expect(scheduleExchanges(applyEdits(cleanSchedule(5), [{ kind: 'race', at: 0, with: 3 }]))).toEqual([0, 3, 1, 2, 4]);
    expect(applyEdits(cleanSchedule(3), [{ kind: 'race', at: 1, with: 9 }]).steps[1]).toEqual({
      kind: 'concurrent',
      deliveries: [{ exchange: 1 }, { exchange: 2 }],
    });
  });

  it('races the last step with the one before it, and leaves a single step alone', () => {
    expect(applyEdits(cleanSchedule(3), [{ kind: 'race', at: 2, with: 1 }]).steps).toEqual([
      { kind: 'send', delivery: { exchange: 0 } },
      { kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 2 }] },
    ]);
    expect(applyEdits(cleanSchedule(1), [{ kind: 'race', at: 0, with: 1 }])).toEqual(cleanSchedule(1));
  });

  it('keeps a lost acknowledgement and the deliveries of a group it joins', () => {
    const base: Schedule = {
      steps: [
        { kind: 'send', delivery: { exchange: 0, abortAfterMs: 5 } },
        { kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 1 }] },
      ],
    };

    expect(applyEdits(base, [{ kind: 'race', at: 0, with: 1 }]).steps).toEqual([
      { kind: 'concurrent', deliveries: [{ exchange: 0, abortAfterMs: 5 }, { exchange: 1 }, { exchange: 1 }] },
    ]);
  });

  it('is described with both exchanges', () => {
    const raced = applyEdits(cleanSchedule(2), [{ kind: 'race', at: 0, with: 1 }]);
    expect(describeSchedule(raced, (x) => `ex${x}`)).toEqual(['  1. concurrently: ex0 + ex1']);
  });
});

describe('applyEdits: edits never drop an exchange', () => {
  it('concurrent duplicates on a race group keep both raced exchanges', () => {
    const raced = applyEdits(cleanSchedule(3), [{ kind: 'race', at: 1, with: 1 }]);
    expect(raced.steps[1]).toEqual({ kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 2 }] });
    const burst = applyEdits(raced, [{ kind: 'concurrent-duplicates', at: 1, width: 2 }]);
    expect(burst.steps[1]).toEqual({ kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 2 }, { exchange: 1 }] });
    expect(new Set(scheduleExchanges(burst))).toEqual(new Set([0, 1, 2]));
  });
});

