import { answerDifferenceLines, keptFaultLines, replayModeText, shrunkFromText, reportedInvariants, violationsByInvariant } from './details.ts';
import { mdCell, mdCode, mdCodeBlock, mdText } from './escape.ts';
import { secondsOfMs } from '../_internals/format.ts';
import { harnessErrorText, notApplicableNames, runScopeText, VERDICTS, type DiffRecord, type RunReport, type Verdict } from './model.ts';

const TONE_ICON = { good: '✅', bad: '❌', warn: '⚠️' } as const;
const icon = (v: Verdict): string => TONE_ICON[VERDICTS[v].tone];
const MAX_MESSAGES = 5;
const secs = (ms: number): string => secondsOfMs(ms, { unit: false });

const MUTANT_ICON: Record<DiffRecord['guards'][number]['mutant'], string> = {
  killed: '✅ killed',
  survived: '❌ SURVIVED',
  'timed-out': '⚠️ timed out',
  errored: '⚠️ errored',
  ignored: 'ignored (config)',
  'not-run': 'not run',
};

/** `gate --base`: the guards the diff touched and, for each, the scenario that killed its mutant. */
function diffSection(diff: DiffRecord): string[] {
  const out = [`### Guards the diff touched (base ${mdCode(diff.base)}, ${mdCode(diff.commit.slice(0, 12))})`, ''];
  if (diff.changedFiles.length === 0) return [...out, 'The diff changes no mutation source: no guard was touched and no mutant ran.', ''];
  out.push(`${diff.changedFiles.length} source file(s) changed: ${diff.changedFiles.map(mdCode).join(', ')}.`, '');
  if (diff.guards.length === 0) out.push('No guard was touched: the changed files hold no guard region.', '');
  else {
    out.push('| Guard | Change | Where | Mutant | Killed by |', '| --- | --- | --- | --- | --- |');
    for (const g of diff.guards) {
      const change = g.change === 'removed' ? (g.allowed ? 'removed (allowed by the config)' : '❌ removed') : g.change;
      const mutant = g.change === 'removed' ? '' : MUTANT_ICON[g.mutant];
      out.push(`| ${mdCode(g.name)} | ${change} | ${mdCode(`${g.file}:${g.line}`)} | ${mutant} | ${g.scenario === null ? '' : mdCell(g.scenario)} |`);
    }
    out.push('');
  }
  const unmarked = diff.mutants.filter((m) => m.operator !== 'marked');
  if (unmarked.length > 0) {
    const killed = unmarked.filter((m) => m.status === 'killed').length;
    out.push(`Unmarked operators' mutants in the changed files: ${unmarked.length}, killed ${killed}.`, '');
    for (const m of unmarked.filter((x) => x.status !== 'killed')) out.push(`- ${mdCode(m.id)}: ${MUTANT_ICON[m.status]}`);
    if (unmarked.some((m) => m.status !== 'killed')) out.push('');
  } else if (diff.mutants.length === 0) out.push('No mutant ran for this diff.', '');
  return out;
}

/** summary.md: the verdict, a table of scenarios, and for each failure what broke and how to replay it. */
export function renderSummaryMarkdown(report: RunReport): string {
  const s = report.summary;
  const out: string[] = [
    `## idemgate: ${icon(s.verdict)} ${VERDICTS[s.verdict].headline}`,
    '',
    `${s.scenarios} scenario(s): ${s.passed} passed, ${s.failed} failed, ${s.errored} errored. ` +
      `${s.schedules} schedules explored, ${s.invariantChecks} invariant checks, ${s.violations} violation(s), ` +
      `${secondsOfMs(s.wallMs)} against ${mdCode(report.target.baseUrl)} on ${report.database}.`,
    '',
  ];
  if (s.unmodelled !== undefined) {
    out.push(`Unmodelled (replayed with no expected effect or status): ${s.unmodelled.map(mdCode).join(', ')}.`, '');
  }
  const scope = runScopeText(report);
  if (scope !== undefined) out.push(`_${mdText(scope)}._`, '');
  if (report.diff !== undefined) out.push(...diffSection(report.diff));
  if (report.results.length > 0) {
    out.push('| Scenario | Status | Schedules | Invariant checks | Not applicable | Seconds |', '| --- | --- | ---: | ---: | ---: | ---: |');
    for (const r of report.results) {
      out.push(`| ${mdCell(r.scenario)} | ${icon(r.status)} ${r.status} | ${r.schedules} | ${r.invariantChecks} | ${r.notApplicable.length} | ${secs(r.durationMs)} |`);
    }
    out.push('');
  }
  for (const r of report.results) {
    if (r.notApplicable.length === 0) continue;
    const list = r.notApplicable.map((n) => `${mdCode(n.invariant)} (${mdText(n.reason)})`).join(', ');
    out.push(`Not applicable in ${mdText(r.scenario)}: ${list}. Nothing to judge: not counted as held.`, '');
  }
  for (const r of report.results) {
    const mode = replayModeText(r);
    if (mode !== undefined) out.push(`${mdText(r.scenario)}: ${mdText(mode)}.`, '');
    const answers = answerDifferenceLines(r);
    if (answers !== undefined) out.push(`${mdText(r.scenario)}, ${mdText(answers.head)}:`, '', mdCodeBlock(answers.lines.join('\n')), '');
  }
  for (const r of report.results) {
    if (r.status === 'errored') {
      out.push(`### ⚠️ ${mdText(r.scenario)}: harness error`, '', mdCodeBlock(harnessErrorText(r.error)), '');
      continue;
    }
    if (r.status !== 'failed') continue;
    const ce = r.counterexample;
    out.push(`### ❌ ${mdText(r.scenario)}`, '');
    const broken = violationsByInvariant(ce.violations);
    const notApplicable = notApplicableNames(r);
    const held = reportedInvariants(r).filter((n) => !broken.has(n) && !notApplicable.has(n));
    out.push(`Broken invariants (seed ${r.seed}):`, '');
    for (const [name, violations] of broken) {
      out.push(`- **${mdText(name)}**`);
      for (const v of violations.slice(0, MAX_MESSAGES)) out.push(`  - ${mdText(v.message)}`);
      if (violations.length > MAX_MESSAGES) out.push(`  - … ${violations.length - MAX_MESSAGES} more`);
    }
    if (held.length > 0) out.push('', `Held: ${held.map(mdCode).join(', ')}`);
    const from = shrunkFromText(r);
    if (from !== undefined) out.push('', mdText(`${from[0]!.toUpperCase()}${from.slice(1)}.`));
    if (r.hint !== undefined) out.push('', `Hint: ${mdText(r.hint)}`);
    out.push('', `Shrunk schedule (${ce.steps.length} steps):`, '', mdCodeBlock(ce.steps.join('\n')), '');
    out.push('Faults kept:', '', mdCodeBlock(keptFaultLines(ce).join('\n')), '');
    out.push('Replay:', '', mdCodeBlock(r.replayCommand, 'sh'), '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
