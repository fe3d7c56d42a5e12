import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanSchedule, scheduleExchanges } from '../schedule/schedule.ts';
import { composeFaults } from './compose.ts';
import { concurrentDuplicates } from './concurrent-duplicates.ts';
import { applyEdits, type FaultEdit } from './edits.ts';
import { lostAcks } from './lost-acks.ts';
import { overtakeWithinEntity } from './overtake.ts';
import { raceSameEntity } from './race-same-entity.ts';
import { reorderWithin } from './reorder.ts';
import { sequentialDuplicates } from './sequential-duplicates.ts';

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

describe('applyEdits: edits never drop an exchange', () => {
  it('concurrent duplicates on a race group keep both raced exchanges', () => {
    const raced = applyEdits(cleanSchedule(3), [{ kind: 'race', at: 1, with: 1 }]);
    expect(raced.steps[1]).toEqual({ kind: 'concurrent', deliveries: [{ exchange: 1 }, { exchange: 2 }] });
    const burst = applyEdits(raced, [{ kind: 'concurrent-duplicates', at: 1, width: 2 }]);
    expect(burst.steps[1]).toEqual({
      kind: 'concurrent',
      deliveries: [{ exchange: 1 }, { exchange: 2 }, { exchange: 1 }],
    });
    expect(new Set(scheduleExchanges(burst))).toEqual(new Set([0, 1, 2]));
  });
});

describe('applyEdits: edits are plain data', () => {
  it('applies an edit list read back from its JSON (a saved counterexample) exactly as the drawn one', () => {
    const events = Array.from({ length: 8 }, (_, i) => ({
      provider: 'p',
      identity: String(i),
      entity: { entity: `E${i % 3}`, status: `s${i}`, rank: i, time: i },
    }));
    const faults = composeFaults([
      sequentialDuplicates(),
      concurrentDuplicates(),
      reorderWithin(),
      lostAcks(),
      raceSameEntity({ window: 2 }),
      overtakeWithinEntity(),
    ]);

    fc.assert(
      fc.property(faults(8, events), (edits) => {
        const saved: FaultEdit[] = JSON.parse(JSON.stringify(edits));

        expect(saved).toEqual(edits);
        expect(applyEdits(cleanSchedule(8), saved)).toEqual(applyEdits(cleanSchedule(8), edits));
      }),
      { seed: 5 },
    );
  });
});
