import { describe, expect, it } from 'vitest';
import { erroredResult, failedResult, passedResult, sampleReport } from './_testing/sample-report.ts';
import { ghData, ghProperty } from './escape.ts';
import { githubAnnotations } from './github.ts';

describe('GitHub annotations', () => {
  it('escapes data per the workflow-command rules: %, CR, LF', () => {
    expect(ghData('100% done\r\nnext: a,b')).toBe('100%25 done%0D%0Anext: a,b');
  });

  it('escapes properties also for : and ,', () => {
    expect(ghProperty('a: b, c%\n')).toBe('a%3A b%2C c%25%0A');
  });

  it('one ::error per broken invariant and per errored scenario, none for a pass', () => {
    const lines = githubAnnotations(sampleReport([passedResult(), failedResult(), erroredResult()]));
    expect(lines).toEqual([
      '::error title=idemgate%3A shopee-fpx-races broke exactly-once-effect::effect for reference ORD-7 is duplicated: 2 transactions touch a cash account, expected 1%0Areplay: npx idemgate run --scenario shopee-fpx-races --seed 1234567 --path "41:2:0:1"',
      expect.stringMatching(/^::error title=idemgate%3A shopee-fpx-races broke ledger-matches-clean-replay::ledger differs from the clean replay for reference ORD-7: .*%0Aledger differs from the clean replay for reference FPX-123: .*%0Areplay: npx/),
      '::error title=idemgate%3A fpx-holiday-file could not run::[TAPE_NOT_FOUND] fixtures/tapes/fpx-holiday.jsonl: no such file',
    ]);
    expect(githubAnnotations(sampleReport([passedResult()]))).toEqual([]);
  });

  it('an annotation line can never be split or forged by result text', () => {
    const r = failedResult([{ invariant: 'final-status', message: 'bad\n::error title=forged::x 50%', evidence: [] }]);
    r.scenario = 'name, with: colon';
    const lines = githubAnnotations(sampleReport([r]));
    for (const l of lines) expect(l).not.toMatch(/[\r\n]/);
    expect(lines.find((l) => l.includes('final-status'))).toBe(
      '::error title=idemgate%3A name%2C with%3A colon broke final-status::bad%0A::error title=forged::x 50%25%0Areplay: npx idemgate run --scenario shopee-fpx-races --seed 1234567 --path "41:2:0:1"',
    );
  });

  it('says so when nothing ran', () => {
    expect(githubAnnotations(sampleReport([]))).toEqual(['::error title=idemgate%3A nothing ran::no scenario was run; the gate cannot pass on an empty run']);
  });
});
