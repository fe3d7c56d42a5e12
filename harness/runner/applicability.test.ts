import { describe, expect, it } from 'vitest';
import { defineInvariant } from '../invariants/invariant.ts';
import { createJudgedTally } from './applicability.ts';

const effects = defineInvariant({ name: 'effects', description: '', nothingToJudge: 'no delivered event expects an effect', check: async () => ({ judged: 0, violations: [] }) });
const statuses = defineInvariant({ name: 'statuses', description: '', requires: ['entities'], check: async () => ({ judged: 0, violations: [] }) });
const acks = defineInvariant({ name: 'acks', description: '', check: async () => ({ judged: 0, violations: [] }) });

describe('createJudgedTally', () => {
  it('is not applicable only when an invariant judged nothing in every schedule, with why', () => {
    const tally = createJudgedTally([effects, statuses, acks]);
    tally.add({ judged: { effects: 0, acks: 2 }, unmet: { statuses: 'no entity mapping in the config' } });
    tally.add({ judged: { effects: 0, acks: 0 }, unmet: { statuses: 'no entity mapping in the config' } });
    expect(tally.notApplicable()).toEqual([
      { invariant: 'effects', reason: 'nothing to judge in any of the 2 schedules: no delivered event expects an effect' },
      { invariant: 'statuses', reason: 'no entity mapping in the config' },
    ]);
  });

  it('one schedule that judged something makes the invariant applicable', () => {
    const tally = createJudgedTally([effects]);
    tally.add({ judged: { effects: 0 }, unmet: {} });
    tally.add({ judged: { effects: 3 }, unmet: {} });
    tally.add({ judged: { effects: 0 }, unmet: {} });
    expect(tally.notApplicable()).toEqual([]);
  });
});
