import { describe, expect, it } from 'vitest';
import { summarise } from '../runner/verdict.ts';
import { failedResult, INVARIANTS, passedResult, sampleReport } from './_testing/sample-report.ts';
import { formatResult, formatSummary } from './console.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import type { RunReport, ScenarioResult } from './model.ts';

const NO_LEDGER = 'no ledger mapping in the config';
/** A passed scenario on a service with no money ledger: only the delivery and status invariants judged anything. */
const noLedger = (): ScenarioResult => ({
  ...passedResult(),
  notApplicable: ['balanced-transactions', 'exactly-once-effect', 'credited-amount', 'no-effect-from-unsettled', 'ledger-matches-clean-replay'].map(
    (invariant) => ({ invariant, reason: NO_LEDGER }),
  ),
});
/** Every invariant judged nothing. */
const nothing = (): ScenarioResult => ({
  ...passedResult(),
  invariantChecks: 0,
  notApplicable: INVARIANTS.map((invariant) => ({ invariant, reason: 'nothing to judge in any of the 101 schedules' })),
});
const reportOf = (results: ScenarioResult[]): RunReport => ({ ...sampleReport(results), summary: summarise(results, 1000) });

describe('not applicable invariants in the reports', () => {
  it('console: each is named with its reason, and the summary counts them', () => {
    const lines = formatResult(noLedger()).join('\n');
    expect(lines).toContain(`not applicable: exactly-once-effect (${NO_LEDGER})`);
    expect(lines).not.toContain('not applicable: final-status');
    expect(formatSummary(summarise([noLedger()], 1000))).toContain('5 not applicable');
    expect(formatSummary(summarise([nothing()], 1000))).toMatch(/^NOTHING CHECKED/);
    // A scenario that judged nothing gets no tick.
    expect(formatResult(nothing())[0]).toMatch(/^– stripe-duplicates .*: nothing to judge$/);
    expect(formatResult(noLedger())[0]).toMatch(/^✓ /);
  });

  it('junit.xml: a skipped testcase with the reason, never a passing one', () => {
    const xml = renderJunit(reportOf([noLedger()]), 'ci');
    const skipped = [...xml.matchAll(/<testcase name="([^"]+)"[^>]*>\s*<skipped message="([^"]*)"/g)].map((m) => [m[1], m[2]]);
    expect(skipped).toEqual(noLedger().notApplicable.map((n) => [n.invariant, `not applicable: ${n.reason}`]));
    expect(xml).toContain('skipped="5"');
    expect(xml).toMatch(/<testcase name="final-status"[^>]*\/>/);
  });

  it('summary.md: listed per scenario; a failed scenario does not count them as held', () => {
    const md = renderSummaryMarkdown(reportOf([noLedger()]));
    expect(md).toContain(`Not applicable in stripe-duplicates: \`balanced-transactions\` (${NO_LEDGER})`);
    expect(md).toContain('| stripe-duplicates | ✅ passed | 101 | 707 | 5 | 3.0 |');
    const failed = { ...failedResult(), notApplicable: [{ invariant: 'final-status', reason: 'no entity mapping in the config' }] };
    const held = /Held: (.*)/.exec(renderSummaryMarkdown(reportOf([failed])))![1]!;
    expect(held).not.toContain('final-status');
    expect(renderSummaryMarkdown(reportOf([nothing()]))).toMatch(/^## idemgate: ⚠️ NOTHING CHECKED/);
  });

  it('index.html: a not-applicable column with the reasons, and the nothing-checked banner', () => {
    const page = renderHtml(reportOf([noLedger()]));
    expect(page).toContain('<th>Not applicable</th>');
    expect(page).toContain(`<li><code>balanced-transactions</code>: ${NO_LEDGER}</li>`);
    expect(renderHtml(reportOf([nothing()]))).toContain('<div class="banner v-nothing-checked" id="verdict">NOTHING CHECKED');
  });
});
