import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderEvent } from '../providers/provider.ts';
import { cleanSchedule, scheduleExchanges, type Schedule } from '../schedule/schedule.ts';
import { applyEdits } from './edits.ts';
import { overtakeWithinEntity } from './overtake.ts';

const ev = (entity: string, rank: number, time = 0): ProviderEvent => ({
  provider: 'p',
  identity: `${entity}:${rank}:${time}`,
  entity: { entity, status: `s${rank}`, rank, time },
});

describe('overtakeWithinEntity', () => {
  // 0 A pending, 1 B pending, 2 A paid, 3 B pending again (same rank, later), 4 a status-less event, 5 A refunded
  const events = [ev('A', 1), ev('B', 1, 10), ev('A', 2), ev('B', 1, 20), { provider: 'p', identity: 'x' }, ev('A', 3)];

  it('draws only a later, higher status of one entity overtaking an earlier one', () => {
    const edits = fc.sample(overtakeWithinEntity()(events.length, events)!, { seed: 1, numRuns: 400 });
    const pairs = new Set(edits.map((e) => (e.kind === 'overtake' ? `${e.exchange}>${e.before}` : 'other')));
    // A: 2 over 0, 5 over 0, 5 over 2; B: 3 over 1 (same rank, later time).
    expect(pairs).toEqual(new Set(['2>0', '5>0', '5>2', '3>1']));
  });

  it('has nothing to draw when no entity changes status, or without the events', () => {
    expect(overtakeWithinEntity()(3, [ev('A', 1), ev('B', 1), ev('C', 2)])).toBeUndefined();
    expect(overtakeWithinEntity()(3)).toBeUndefined();
  });
});

describe('applyEdits: overtake', () => {
  it('moves the later exchange to just before the earlier one, keeping every delivery', () => {
    const after = applyEdits(cleanSchedule(6), [{ kind: 'overtake', exchange: 5, before: 2 }]);
    expect(scheduleExchanges(after)).toEqual([0, 1, 5, 2, 3, 4]);
  });

  it('moves a whole step, and takes the first delivery of each exchange', () => {
    const base: Schedule = {
      steps: [
        { kind: 'send', delivery: { exchange: 0 } },
        { kind: 'send', delivery: { exchange: 1 } },
        { kind: 'concurrent', deliveries: [{ exchange: 2 }, { exchange: 2 }] },
        { kind: 'send', delivery: { exchange: 0 } },
      ],
    };
    const after = applyEdits(base, [{ kind: 'overtake', exchange: 2, before: 0 }]);
    expect(after.steps.map((s) => s.kind)).toEqual(['concurrent', 'send', 'send', 'send']);
    expect(scheduleExchanges(after)).toEqual([2, 2, 0, 1, 0]);
  });

  it('leaves the schedule alone when an exchange is not in it (a subset) or already comes first', () => {
    const subset: Schedule = {
      steps: [
        { kind: 'send', delivery: { exchange: 1 } },
        { kind: 'send', delivery: { exchange: 3 } },
      ],
    };
    expect(applyEdits(subset, [{ kind: 'overtake', exchange: 3, before: 0 }])).toEqual(subset);
    const swapped = applyEdits(cleanSchedule(3), [{ kind: 'overtake', exchange: 2, before: 0 }]);
    expect(applyEdits(swapped, [{ kind: 'overtake', exchange: 2, before: 0 }])).toEqual(swapped);
  });
});
