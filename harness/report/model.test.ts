import { describe, expect, it } from 'vitest';
import { errorMessageOf, IdemgateError } from '../errors.ts';
import { passedResult, sampleReport, sampleShard } from './_testing/sample-report.ts';
import { harnessErrorText, runScopeText } from './model.ts';

describe('harnessErrorText', () => {
  it('shows the code once, in front of the message the runner stored', () => {
    // The runner stores the message without the code (errorMessageOf), so no renderer can repeat it.
    const message = errorMessageOf(new IdemgateError('TAPE_NOT_FOUND', 't.jsonl: no such file', { details: { file: 't.jsonl' } }));
    expect(message).toBe('t.jsonl: no such file');
    expect(harnessErrorText({ code: 'TAPE_NOT_FOUND', message })).toBe('[TAPE_NOT_FOUND] t.jsonl: no such file');
    expect(harnessErrorText({ code: 'INTERNAL', message: 'Error: boom' })).toBe('[INTERNAL] Error: boom');
  });
});

describe('runScopeText', () => {
  it('says nothing for a whole run', () => {
    expect(runScopeText(sampleReport())).toBeUndefined();
  });

  it("says which shard a report is, and that the merged report holds the run's verdict", () => {
    const text = runScopeText({ ...sampleReport([passedResult()]), shard: sampleShard(1, 2) });
    expect(text).toBe("shard 1/2: 2 of 3 scenario(s); the whole run's verdict is the one idemgate merge-reports makes of every shard's reports");
  });

  it('says plainly that a shard with no share ran nothing', () => {
    const text = runScopeText({ ...sampleReport([]), shard: sampleShard(4, 4) });
    expect(text).toMatch(/^shard 4\/4 ran nothing: none of the 3 scenario\(s\) fell to it \(more shards than scenarios\)/);
  });

  it('lists the shards a merged report was made from', () => {
    const merged = { count: 2, shards: [{ index: 1, scenarios: ['a', 'c'], wallMs: 1500 }, { index: 2, scenarios: ['b'], wallMs: 900 }] };
    expect(runScopeText({ ...sampleReport(), merged })).toBe('merged from 2 shards (1/2: 2 scenario(s) in 1.5 s; 2/2: 1 scenario(s) in 0.9 s)');
  });
});
