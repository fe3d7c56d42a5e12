import { describe, expect, it } from 'vitest';
import { erroredResult, failedResult, passedResult, sampleReport, sampleShard } from './_testing/sample-report.ts';
import { mdCodeBlock } from './escape.ts';
import { renderSummaryMarkdown } from './markdown.ts';

describe('summary.md', () => {
  it('states the verdict and tabulates every scenario', () => {
    const md = renderSummaryMarkdown(sampleReport());
    expect(md.split('\n')[0]).toBe('## idemgate: ⚠️ ERRORED — the harness could not run');
    expect(md).toContain('3 scenario(s): 1 passed, 1 failed, 1 errored. 238 schedules explored, 1666 invariant checks, 3 violation(s)');
    expect(md).toContain('| Scenario | Status | Schedules | Invariant checks | Not applicable | Seconds |');
    expect(md).toContain('| stripe-duplicates | ✅ passed | 101 | 707 | 0 | 3.0 |');
    expect(md).toContain('| shopee-fpx-races | ❌ failed | 137 | 959 | 0 | 8.4 |');
    expect(md).toContain('| fpx-holiday-file | ⚠️ errored | 0 | 0 | 0 | 0.2 |');
    expect(renderSummaryMarkdown(sampleReport([passedResult()]))).toMatch(/^## idemgate: ✅ PASSED/);
    expect(renderSummaryMarkdown(sampleReport([passedResult(), failedResult()]))).toMatch(/^## idemgate: ❌ FAILED/);
  });

  it('lists the unmodelled events once, under the totals', () => {
    const md = renderSummaryMarkdown(
      sampleReport([{ ...passedResult(), unmodelled: ['stripe event type customer.created'] }, { ...failedResult(), unmodelled: ['stripe event type customer.created'] }]),
    );
    expect(md.match(/customer\.created/g)).toHaveLength(1);
    expect(md).toContain('\n\nUnmodelled (replayed with no expected effect or status): `stripe event type customer.created`.\n');
    expect(renderSummaryMarkdown(sampleReport())).not.toContain('Unmodelled');
  });

  it('says when it is one shard of a split run', () => {
    const md = renderSummaryMarkdown({ ...sampleReport([]), shard: sampleShard(4, 4) });
    expect(md).toContain('## idemgate: ⚠️ NOTHING RAN');
    expect(md).toContain('\n\n_shard 4/4 ran nothing: none of the 3 scenario(s) fell to it');
    expect(renderSummaryMarkdown(sampleReport())).not.toContain('shard');
  });

  it('gate --base: lists the guards the diff touched and the scenario that killed each mutant, or that none was touched', () => {
    const diff = {
      base: 'origin/main',
      commit: 'a'.repeat(40),
      changedFiles: ['src/handlers/stripe.ts'],
      guards: [
        { name: 'stripe-event-dedupe', change: 'changed' as const, file: 'src/handlers/stripe.ts', line: 67, allowed: false, mutant: 'killed' as const, scenario: 'stripe-webhooks' },
        { name: 'old-guard', change: 'removed' as const, file: 'src/handlers/stripe.ts', line: 90, allowed: true, mutant: 'not-run' as const, scenario: null },
      ],
      mutants: [
        { id: 'stripe-event-dedupe', operator: 'marked', file: 'src/handlers/stripe.ts', line: 67, status: 'killed' as const, scenario: 'stripe-webhooks' },
        { id: 'on-conflict@src/handlers/stripe.ts:70', operator: 'on-conflict', file: 'src/handlers/stripe.ts', line: 70, status: 'survived' as const, scenario: null },
      ],
    };
    const md = renderSummaryMarkdown({ ...sampleReport([passedResult()]), diff });
    expect(md).toContain('### Guards the diff touched (base `origin/main`, `aaaaaaaaaaaa`)');
    expect(md).toContain('| `stripe-event-dedupe` | changed | `src/handlers/stripe.ts:67` | ✅ killed | stripe-webhooks |');
    expect(md).toContain('| `old-guard` | removed (allowed by the config) | `src/handlers/stripe.ts:90` |  |  |');
    expect(md).toContain("Unmarked operators' mutants in the changed files: 1, killed 0.\n\n- `on-conflict@src/handlers/stripe.ts:70`: ❌ SURVIVED");
    const none = renderSummaryMarkdown({ ...sampleReport([passedResult()]), diff: { ...diff, guards: [], mutants: [] } });
    expect(none).toContain('No guard was touched: the changed files hold no guard region.');
    expect(none).toContain('No mutant ran for this diff.');
    expect(renderSummaryMarkdown(sampleReport())).not.toContain('Guards the diff touched');
  });

  it('shows each failure: broken invariants, the shrunk schedule in a code block, the replay command', () => {
    const md = renderSummaryMarkdown(sampleReport([failedResult()]));
    const section = md.slice(md.indexOf('### ❌ shopee-fpx-races'));
    expect(section).toContain('- **exactly-once-effect**\n  - effect for reference ORD-7 is duplicated');
    expect(section).toContain('- **ledger-matches-clean-replay**');
    expect(section).toContain('Held: `balanced-transactions`, `credited-amount`');
    const schedule = failedResult().counterexample.steps.join('\n');
    expect(section).toContain(`Shrunk schedule (5 steps):\n\n\`\`\`\n${schedule}\n\`\`\``);
    expect(section).toContain('```sh\nnpx idemgate run --scenario shopee-fpx-races --seed 1234567 --path "41:2:0:1"\n```');
  });

  it('shows an errored scenario’s harness error', () => {
    const md = renderSummaryMarkdown(sampleReport([erroredResult()]));
    expect(md).toContain('### ⚠️ fpx-holiday-file: harness error\n\n```\n[TAPE_NOT_FOUND] fixtures/tapes/fpx-holiday.jsonl: no such file\n```');
  });

  it('neutralises markup and table-breaking characters from results', () => {
    const r = failedResult([{ invariant: 'final-status', message: '<img src=x onerror=alert(1)> *bold* | pipe', evidence: [] }]);
    r.scenario = 'a|b';
    const md = renderSummaryMarkdown(sampleReport([r]));
    expect(md).toContain('| a\\|b | ❌ failed |');
    expect(md).toContain('  - &lt;img src=x onerror=alert(1)&gt; \\*bold\\* | pipe');
    expect(md).not.toContain('<img');
  });

  it('a code block fence outgrows backticks in its content', () => {
    expect(mdCodeBlock('a ``` b')).toBe('````\na ``` b\n````');
  });
});
