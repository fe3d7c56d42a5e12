import { describe, expect, it } from 'vitest';
import { failedResult, LABELS, passedResult, sampleReport } from './_testing/sample-report.ts';
import { renderHtml } from './html.ts';
import { ledgerDiff } from './ledger-diff.ts';
import { timelineBlocks } from './timeline.ts';

describe('index.html', () => {
  it('is one self-contained page: no external resources, a CSP that forbids network', () => {
    const page = renderHtml(sampleReport());
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"`);
    expect(page).not.toMatch(/<(link|img|iframe)\b/);
    expect(page).not.toMatch(/\bsrc=|@import|url\((?!#)/);
    expect(page).toContain('<div class="banner v-errored" id="verdict">ERRORED — the harness could not run');
    expect(page).toContain('<pre>[TAPE_NOT_FOUND] fixtures/tapes/fpx-holiday.jsonl: no such file</pre>');
  });

  it('escapes everything from the result: a <script> in a violation message stays text', () => {
    const hostile = failedResult([
      { invariant: 'final-status', message: '<script>window.pwned=1</script>', evidence: [{ body: '"><img src=x onerror=alert(1)>' }] },
    ]);
    hostile.scenario = '<b>scenario</b>';
    const report = sampleReport([hostile]);
    report.labels = { [hostile.scenario]: LABELS.map((l) => `${l} <svg onload=alert(1)>`) };
    const page = renderHtml(report);
    expect(page.match(/<script>/g)).toHaveLength(1); // only the page's own
    expect(page).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(page).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(page).toContain('&lt;b&gt;scenario&lt;/b&gt;');
    expect(page).not.toContain('<svg onload');
    expect(page).not.toContain('<img');
  });

  it('draws the failure: a timeline per failed scenario, the ledger diff, the replay command', () => {
    const page = renderHtml(sampleReport([passedResult(), failedResult()]));
    expect(page.match(/<svg class="timeline"/g)).toHaveLength(1);
    expect(page).toContain('par · step 2 · ×3 concurrent');
    expect(page).toMatch(/<g class="delivery duplicate answered" data-step="2b"/);
    expect(page).toMatch(/<g class="delivery first aborted" data-step="3"/);
    expect(page).toMatch(/<g class="delivery redelivery answered" data-step="6"/);
    expect(page).toContain('ack lost: aborted after 40 ms');
    expect(page).toContain('GET /api/v2/payment/get_escrow_detail');
    // The upstream lane comes from the counterexample's own call log, injected faults named.
    expect(page).toContain('429 [fault: throttle]');
    expect(page).toContain('<table class="ledger-diff">');
    expect(page).toContain('npx idemgate run --scenario shopee-fpx-races --seed 1234567 --path &quot;41:2:0:1&quot;');
  });
});

describe('timelineBlocks', () => {
  it('groups outcomes by step, keeps the concurrent group and the abort, and attaches upstream calls to the delivery in flight', () => {
    const ce = failedResult().counterexample;
    const { blocks, unmatched } = timelineBlocks(ce, [
      { atMs: 20, method: 'GET', path: '/escrow', status: 200 },
      { atMs: 1000, method: 'GET', path: '/late', status: 500 },
    ]);
    expect(blocks.map((b) => [b.step, b.concurrent, b.rows.length])).toEqual([
      [0, false, 1],
      [1, true, 3],
      [2, false, 1],
      [3, false, 1],
      [4, false, 1],
      [5, false, 1],
    ]);
    expect(blocks[2]!.rows[0]).toMatchObject({ exchange: 2, abortAfterMs: 40 });
    expect(blocks[1]!.rows[2]!.upstream.map((c) => c.path)).toEqual(['/escrow']);
    expect(unmatched.map((c) => c.path)).toEqual(['/late']);
  });

  it('draws a delivery the crash-restart fault killed the target during as such, not as a lost ack', () => {
    const result = failedResult();
    const first = result.counterexample.schedule.steps[0]!;
    if (first.kind !== 'send') throw new Error('the sample starts with a send');
    first.delivery.crash = { when: 'upstream-call', downtimeMs: 5500 };
    const { blocks } = timelineBlocks(result.counterexample);
    expect(blocks[0]!.rows[0]).toMatchObject({ crash: 'upstream-call' });
    const page = renderHtml(sampleReport([result]));
    expect(page).toContain('target killed at its upstream call, restarted');
  });

  it('falls back to the schedule when no delivery outcome was recorded', () => {
    const ce = { ...failedResult().counterexample, deliveries: [] };
    const { blocks } = timelineBlocks(ce);
    expect(blocks.map((b) => b.rows.map((r) => [r.exchange, r.attempt]))).toEqual([[[0, 1]], [[1, 1], [1, 2], [1, 3]], [[2, 1]], [[2, 2]], [[3, 1]]]);
  });
});

describe('ledgerDiff', () => {
  it('reads expected-vs-actual rows from the differential oracle’s evidence only', () => {
    expect(ledgerDiff(failedResult().counterexample.violations)).toEqual([
      { side: 'actual', count: 1, account: 'cash', amountMinor: '12990', currency: 'MYR', reference: 'ORD-7' },
      { side: 'actual', count: 1, account: 'sales', amountMinor: '-12990', currency: 'MYR', reference: 'ORD-7' },
      { side: 'expected', count: 1, account: 'fpx_clearing', amountMinor: '5500', currency: 'MYR', reference: 'FPX-123' },
      { side: 'expected', count: 1, account: 'sales', amountMinor: '-5500', currency: 'MYR', reference: 'FPX-123' },
    ]);
  });

  it('reads only the oracle’s own violations: a look-alike row from another invariant is not a diff', () => {
    const lookalike = { invariant: 'custom', message: 'x', evidence: [{ side: 'only in actual', count: 1, account: 'a', amount_minor: '1', currency: 'MYR', reference: 'R' }] };
    expect(ledgerDiff([lookalike])).toEqual([]);
  });
});
