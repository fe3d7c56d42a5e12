import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { describeSchedule, type Schedule } from '../schedule/schedule.ts';
import { applyEdits, type FaultEdit } from './edits.ts';
import { redisDrop } from './redis-drop.ts';
import { workerCrash } from './worker-crash.ts';

const clean: Schedule = { steps: [0, 1, 2].map((exchange) => ({ kind: 'send', delivery: { exchange } })) };
const label = (x: number): string => `#${x}`;

describe('workerCrash', () => {
  it("marks step at's delivery, and prints the kill and the restart", () => {
    const crashed = applyEdits(clean, [{ kind: 'worker-crash', at: 1, downtimeMs: 300 }]);
    expect(crashed.steps[1]).toEqual({ kind: 'send', delivery: { exchange: 1, workerCrash: { downtimeMs: 300 } } });
    expect(crashed.steps.length).toBe(3);
    expect(describeSchedule(crashed, label)[1]).toBe(
      '  2. #1  [then every worker killed (SIGKILL) with its job active at its next ledger write, restarted ≥ 300 ms later: the stalled job runs again]',
    );
  });

  it('marks the first delivery of a concurrent group', () => {
    const group: Schedule = { steps: [{ kind: 'concurrent', deliveries: [{ exchange: 0 }, { exchange: 0 }] }] };
    const crashed = applyEdits(group, [{ kind: 'worker-crash', at: 0, downtimeMs: 0 }]);
    expect(crashed.steps[0]).toEqual({ kind: 'concurrent', deliveries: [{ exchange: 0, workerCrash: { downtimeMs: 0 } }, { exchange: 0 }] });
    expect(describeSchedule(crashed, label)[0]).toMatch(/^ {2}1\. concurrently ×2: #0 {2}\[then every worker killed \(SIGKILL\)/);
  });

  it('draws within the schedule and the downtime, and shrinks toward step 0 and no downtime', () => {
    fc.assert(fc.property(workerCrash({ downtimeMs: 300 })(3), (e) => e.at >= 0 && e.at <= 2 && e.downtimeMs >= 0 && e.downtimeMs <= 300));
    const failing = fc.check(fc.property(workerCrash({ downtimeMs: 300 })(50), (e) => e.at < 10 && e.downtimeMs < 100), { seed: 3 });
    const shrunk = failing.counterexample?.[0];
    expect(shrunk === undefined ? undefined : shrunk.at + shrunk.downtimeMs).toBeOneOf([10, 100]);
    expect(workerCrash().needs).toEqual(['workers']);
    expect(() => workerCrash({ downtimeMs: -1 })).toThrow(IdemgateError);
  });

  it('replays from its JSON as drawn (a saved counterexample)', () => {
    const edits: FaultEdit[] = fc.sample(fc.tuple(workerCrash()(5), redisDrop()(5)), { seed: 7, numRuns: 1 })[0]!;
    const saved = JSON.parse(JSON.stringify(edits)) as FaultEdit[];
    const five: Schedule = { steps: [0, 1, 2, 3, 4].map((exchange) => ({ kind: 'send', delivery: { exchange } })) };
    expect(applyEdits(five, saved)).toEqual(applyEdits(five, edits));
  });
});

describe('redisDrop', () => {
  it("marks step at's delivery and prints the drop; shrinks toward step 0", () => {
    const dropped = applyEdits(clean, [{ kind: 'redis-drop', at: 2 }]);
    expect(dropped.steps[2]).toEqual({ kind: 'send', delivery: { exchange: 2, redisDrop: true } });
    expect(describeSchedule(dropped, label)[2]).toBe("  3. #2  [then the target's Redis connections dropped]");
    const failing = fc.check(fc.property(redisDrop()(50), (e) => e.at < 10), { seed: 1 });
    expect(failing.counterexample?.[0]).toEqual({ kind: 'redis-drop', at: 10 });
    expect(redisDrop().needs).toEqual(['redis']);
  });
});
