import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { erroredResult, failedResult, INVARIANTS, passedResult, sampleReport } from './_testing/sample-report.ts';
import { renderJunit, SETUP_TESTCASE } from './junit.ts';

const XSD = new URL('./schema/JUnit.xsd', import.meta.url);

async function validate(xml: string) {
  const schema = await readFile(XSD, 'utf8');
  return validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'JUnit.xsd', contents: schema }] });
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];

/** Each <testsuite> with its attributes and the outcome elements of its testcases. */
function suites(xml: string) {
  return [...xml.matchAll(/<testsuite\s[^>]*>[\s\S]*?<\/testsuite>/g)].map(([block]) => {
    const open = /<testsuite\s[^>]*>/.exec(block)![0];
    const cases = [...block.matchAll(/<testcase\s[^>]*?(?:\/>|>[\s\S]*?<\/testcase>)/g)].map(([c]) => ({
      name: attr(c, 'name'),
      classname: attr(c, 'classname'),
      failure: c.includes('<failure'),
      error: c.includes('<error'),
      skipped: c.includes('<skipped'),
      text: c,
    }));
    const n = (k: string) => Number(attr(open, k));
    return { name: attr(open, 'name'), tests: n('tests'), failures: n('failures'), errors: n('errors'), skipped: n('skipped'), time: attr(open, 'time'), cases };
  });
}

describe('junit.xml', () => {
  it('is valid against the Ant JUnit schema CI systems read', async () => {
    const result = await validate(renderJunit(sampleReport(), 'ci-runner'));
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('the schema check is real: a testcase without its required time is rejected', async () => {
    const broken = renderJunit(sampleReport(), 'ci-runner').replace(/(<testcase [^>]*?) time="[^"]*"/, '$1');
    const result = await validate(broken);
    expect(result.valid).toBe(false);
  });

  it('has one testsuite per scenario and one testcase per scenario × invariant, with counts that add up', () => {
    const parsed = suites(renderJunit(sampleReport(), 'ci-runner'));
    expect(parsed.map((s) => s.name)).toEqual(['stripe-duplicates', 'shopee-fpx-races', 'fpx-holiday-file']);
    const [passed, failed, errored] = parsed as [ReturnType<typeof suites>[number], ReturnType<typeof suites>[number], ReturnType<typeof suites>[number]];

    expect(passed.cases.map((c) => c.name)).toEqual(INVARIANTS);
    expect(passed).toMatchObject({ tests: 7, failures: 0, errors: 0, skipped: 0, time: '3.020' });

    expect(failed.cases.map((c) => c.name)).toEqual(INVARIANTS);
    expect(failed.cases.every((c) => c.classname === 'shopee-fpx-races')).toBe(true);
    expect(failed.cases.filter((c) => c.failure).map((c) => c.name)).toEqual(['exactly-once-effect', 'ledger-matches-clean-replay']);
    expect(failed).toMatchObject({ tests: 7, failures: 2, errors: 0, skipped: 0, time: '8.412' });

    expect(errored.cases.map((c) => c.name)).toEqual([SETUP_TESTCASE, ...INVARIANTS]);
    expect(errored).toMatchObject({ tests: 8, failures: 0, errors: 1, skipped: 7 });

    for (const s of parsed) {
      expect(s.cases).toHaveLength(s.tests);
      expect(s.cases.filter((c) => c.failure)).toHaveLength(s.failures);
      expect(s.cases.filter((c) => c.error)).toHaveLength(s.errors);
      expect(s.cases.filter((c) => c.skipped)).toHaveLength(s.skipped);
    }
  });

  it('a failure carries the violation messages, evidence, the shrunk schedule and the replay command', () => {
    const failed = suites(renderJunit(sampleReport([failedResult()]), 'h'))[0]!;
    const ledger = failed.cases.find((c) => c.name === 'ledger-matches-clean-replay')!.text;
    expect(ledger).toContain('message="ledger differs from the clean replay for reference ORD-7: 2 posting(s) only in actual, 0 only in the clean replay (and 1 more)"');
    expect(ledger).toContain('- ledger differs from the clean replay for reference FPX-123');
    expect(ledger).toContain('{"side":"only in clean replay","count":1,"account":"fpx_clearing"');
    expect(ledger).toContain('concurrently ×3: #2 shopee');
    expect(ledger).toContain('[ack lost: abort after 40 ms]');
    expect(ledger).toContain('replay: npx idemgate run --scenario shopee-fpx-races --seed 1234567 --path "41:2:0:1"');
    const errored = suites(renderJunit(sampleReport([erroredResult()]), 'h'))[0]!;
    expect(errored.cases[0]!.text).toContain('type="TAPE_NOT_FOUND"');
    expect(errored.cases[0]!.text).toContain('>[TAPE_NOT_FOUND] fixtures/tapes/fpx-holiday.jsonl: no such file</error>');
  });

  it('escapes markup, quotes and control characters and stays valid', async () => {
    const hostile = failedResult([
      { invariant: 'final-status', message: 'status "<script>alert(1)</script>" & ]]> bell\u0007 esc\u001b nul\u0000 tab\tnl\nend', evidence: [{ body: '\u0001<x/>' }] },
    ]);
    hostile.scenario = 'weird <&> "name"';
    const xml = renderJunit(sampleReport([hostile, passedResult()]), 'h');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(xml).toContain('status &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot; &amp; ]]&gt; bell\\u0007 esc\\u001b nul\\u0000 tab&#9;nl&#10;end');
    expect(xml).toContain('name="weird &lt;&amp;&gt; &quot;name&quot;"');
    const result = await validate(xml);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('an empty run is still a valid document', async () => {
    const xml = renderJunit(sampleReport([]), 'h');
    expect(suites(xml)).toEqual([]);
    expect((await validate(xml)).valid).toBe(true);
  });
});
