/**
 * A failure an upstream fault caused must say so in every report: the console, JUnit, summary.md
 * and the HTML page list the kept delivery edits and each upstream call that got a fault, never
 * just `edits: []`.
 */
import { describe, expect, it } from 'vitest';
import { failedResult, sampleReport } from './_testing/sample-report.ts';
import { formatResult } from './console.ts';
import { keptFaultLines } from './details.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './markdown.ts';

const THROTTLE = 'upstream fault throttle: GET /api/v2/payment/get_escrow_detail at 21 ms (answered 429)';

describe('the faults a shrunk schedule kept', () => {
  it('are listed as delivery edits, then each faulted upstream call with what the target saw', () => {
    const r = failedResult();
    expect(keptFaultLines(r.counterexample)).toEqual([`delivery edits: ${JSON.stringify(r.counterexample.draw.edits)}`, THROTTLE]);
    const upstreamOnly = { ...r.counterexample, draw: { ...r.counterexample.draw, edits: [] } };
    expect(keptFaultLines(upstreamOnly)).toEqual(['delivery edits: none', THROTTLE]);
    const lost = { ...upstreamOnly, upstreamCalls: [{ atMs: 5, method: 'POST', path: '/v1/charges', fault: 'answer-lost', error: 'connection dropped' }] };
    expect(keptFaultLines(lost)).toEqual(['delivery edits: none', 'upstream fault answer-lost: POST /v1/charges at 5 ms (connection dropped)']);
  });

  it('appear in the console, JUnit, summary.md and the HTML page', () => {
    expect(formatResult(failedResult()).join('\n')).toContain(THROTTLE);
    const report = sampleReport();
    expect(renderJunit(report)).toContain(THROTTLE);
    expect(renderSummaryMarkdown(report)).toContain(THROTTLE);
    expect(renderHtml(report)).toContain(THROTTLE);
  });
});
