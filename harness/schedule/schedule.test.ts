import { describe, expect, it } from 'vitest';
import { cleanSchedule, describeSchedule, scheduleExchanges, type Schedule } from './schedule.ts';

describe('cleanSchedule', () => {
  it('sends every exchange once in tape order', () => {
    expect(scheduleExchanges(cleanSchedule(4))).toEqual([0, 1, 2, 3]);
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
