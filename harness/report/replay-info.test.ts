import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { ScenarioResult } from '../runner/result.ts';
import { failedResult, passedResult, sampleReport } from './_testing/sample-report.ts';
import { formatResult } from './console.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import { RESULTS_SCHEMA_FILE } from './results-schema.ts';

const CHANGED = '#12 stripe evt_3bOo: recorded 200, now 500 {"error":"ledger locked"}';
const ACK_CHANGED = '#3 fpx fpx:FPX-123:00: recorded 200 OK, now 200 FAILED';

/** A passed `--exact` replay at ×10 whose clean replay answered two exchanges otherwise than recorded. */
const exactReplay = (): ScenarioResult => ({
  ...(passedResult() as ScenarioResult & { status: 'passed' }),
  runs: 0,
  schedules: 1,
  exact: true,
  timing: { speed: 10, maxGapMs: 60_000, waitMs: 252_000, recordedMs: 2_520_000, capped: 0 },
  answers: {
    compared: 44,
    differences: [
      { exchange: 11, label: '#12 stripe evt_3bOo', recorded: { status: 200 }, replayed: { result: 'answered', status: 500, body: '{"error":"ledger locked"}' } },
      { exchange: 2, label: '#3 fpx fpx:FPX-123:00', recorded: { status: 200, body: 'OK' }, replayed: { result: 'answered', status: 200, body: 'FAILED' } },
    ],
  },
});

describe('the replay against its recording, in every report', () => {
  it('is printed under the result on the console, passed or failed', () => {
    const lines = formatResult(exactReplay());

    expect(lines).toContain('    exact replay: the clean replay only, no faults; recorded timing at ×10: 4 min 12 s of gaps (recorded 42 min)');
    expect(lines).toContain('    recorded answers: 2 of 44 differ in the clean replay (information, not a violation):');
    expect(lines).toContain(`      ${CHANGED}`);
    expect(lines).toContain(`      ${ACK_CHANGED}`);
    expect(formatResult({ ...failedResult(), answers: exactReplay().answers! }).join('\n')).toContain(CHANGED);
    // An exact replay's failure is the tape as recorded, never shrunk.
    expect(formatResult({ ...failedResult(), exact: true })).toContain('    schedule as recorded (5 steps, edits: [{"kind":"concurrent-duplicates","at":1,"width":3},{"kind":"lost-ack","at":2,"abortAfterMs":40,"redeliverAfter":0}]):');
  });

  it('lists the first ten and counts the rest', () => {
    const r = exactReplay();
    const one = r.answers!.differences[0]!;
    r.answers!.differences = Array.from({ length: 13 }, () => one);

    const lines = formatResult(r);

    expect(lines.filter((l) => l.includes('#12 stripe'))).toHaveLength(10);
    expect(lines).toContain('      … 3 more');
  });

  it('says nothing for a replay whose answers all match the recording', () => {
    expect(formatResult({ ...passedResult(), answers: { compared: 44, differences: [] } })).toHaveLength(1);
  });

  it('is in summary.md, the HTML page, and the JUnit system-out and properties (still valid JUnit)', async () => {
    const report = sampleReport([exactReplay(), failedResult()]);

    const md = renderSummaryMarkdown(report);
    const page = renderHtml(report);
    const junit = renderJunit(report, 'ci');

    expect(md).toContain('stripe-duplicates, recorded answers: 2 of 44 differ in the clean replay (information, not a violation):');
    expect(md).toContain(CHANGED);
    expect(md).toContain('stripe-duplicates: exact replay: the clean replay only, no faults; recorded timing at ×10');
    expect(page).toContain('<h3>recorded answers: 2 of 44 differ in the clean replay (information, not a violation)</h3>');
    expect(page).toContain('#12 stripe evt_3bOo: recorded 200, now 500 {&quot;error&quot;:&quot;ledger locked&quot;}');
    expect(junit).toContain('<property name="answersDiffering" value="2"/>');
    expect(junit).toContain('<property name="exact" value="true"/>');
    expect(junit).toContain('#12 stripe evt_3bOo: recorded 200, now 500 {"error":"ledger locked"}');
    const schema = await readFile(new URL('./schema/JUnit.xsd', import.meta.url), 'utf8');
    const valid = await validateXML({ xml: [{ fileName: 'junit.xml', contents: junit }], schema: [{ fileName: 'JUnit.xsd', contents: schema }] });
    expect(valid.errors).toEqual([]);
  });

  it('is in results.json, which the schema accepts', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(await readFile(RESULTS_SCHEMA_FILE, 'utf8')) as object);

    const ok = validate(JSON.parse(JSON.stringify(sampleReport([exactReplay()]))));

    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });
});
