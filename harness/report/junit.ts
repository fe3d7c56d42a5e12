import { hostname } from 'node:os';
import { answerDifferenceLines, keptFaultLines, replayModeText, shrunkFromText, reportedInvariants, violationsByInvariant } from './details.ts';
import { xmlAttr, xmlText } from './escape.ts';
import { secondsOfMs } from '../_internals/format.ts';
import { harnessErrorText, type RunReport, type ScenarioResult, type Violation } from './model.ts';

/** The testcase an errored scenario reports its harness error on; its invariants are skipped. */
export const SETUP_TESTCASE = '(harness set-up)';
const PACKAGE = 'idemgate';
const MAX_EVIDENCE = 20;
/** JUnit `time` attributes: seconds with millisecond precision, no unit. */
const seconds = (ms: number): string => secondsOfMs(ms, { digits: 3, unit: false });

/** The text of a `<failure>`: what broke, the rows that prove it, the shrunk schedule, how to replay it. */
export function failureText(r: ScenarioResult & { status: 'failed' }, violations: readonly Violation[]): string {
  const lines: string[] = [];
  for (const v of violations) {
    lines.push(`- ${v.message}`);
    for (const row of v.evidence.slice(0, MAX_EVIDENCE)) lines.push(`    ${JSON.stringify(row)}`);
    if (v.evidence.length > MAX_EVIDENCE) lines.push(`    … ${v.evidence.length - MAX_EVIDENCE} more rows`);
  }
  lines.push('', `shrunk schedule (${r.counterexample.steps.length} steps, edits ${JSON.stringify(r.counterexample.draw.edits)}):`);
  for (const s of r.counterexample.steps) lines.push(`  ${s}`);
  lines.push('', 'faults kept:', ...keptFaultLines(r.counterexample).map((f) => `  ${f}`));
  const from = shrunkFromText(r);
  if (from !== undefined) lines.push('', from);
  if (r.hint !== undefined) lines.push('', `hint: ${r.hint}`);
  lines.push('', `seed ${r.seed}, path "${r.path}"`, `replay: ${r.replayCommand}`);
  if (r.savedTo) lines.push(`saved:  ${r.savedTo}`);
  return lines.join('\n');
}

/** Timestamp without zone, as the Ant schema requires: UTC `YYYY-MM-DDTHH:MM:SS`. */
const antTimestamp = (iso: string): string => {
  const d = new Date(iso);
  return (Number.isNaN(d.getTime()) ? new Date(0) : d).toISOString().slice(0, 19);
};

interface Case {
  name: string;
  timeMs: number;
  outcome?: { kind: 'failure' | 'error'; type: string; message: string; text: string } | { kind: 'skipped'; message: string };
}

function casesFor(r: ScenarioResult): Case[] {
  const invariants = reportedInvariants(r);
  if (r.status === 'errored') {
    return [
      { name: SETUP_TESTCASE, timeMs: r.durationMs, outcome: { kind: 'error', type: r.error.code, message: r.error.message, text: harnessErrorText(r.error) } },
      ...invariants.map((name): Case => ({ name, timeMs: 0, outcome: { kind: 'skipped', message: 'not checked: the harness could not run the scenario' } })),
    ];
  }
  const reasons = new Map(r.notApplicable.map((n) => [n.invariant, n.reason]));
  // Invariants are evaluated together on every schedule, so each judged one gets an equal share of the scenario's time.
  const judged = invariants.filter((name) => !reasons.has(name)).length;
  const share = judged === 0 ? 0 : r.durationMs / judged;
  const broken = r.status === 'failed' ? violationsByInvariant(r.counterexample.violations) : new Map<string, Violation[]>();
  return invariants.map((name): Case => {
    const reason = reasons.get(name);
    if (reason !== undefined && !broken.has(name)) return { name, timeMs: 0, outcome: { kind: 'skipped', message: `not applicable: ${reason}` } };
    const violations = broken.get(name);
    if (r.status !== 'failed' || violations === undefined) return { name, timeMs: share };
    const first = violations[0]!.message;
    const message = violations.length > 1 ? `${first} (and ${violations.length - 1} more)` : first;
    return { name, timeMs: share, outcome: { kind: 'failure', type: 'invariant-violation', message, text: failureText(r, violations) } };
  });
}

function testcase(classname: string, c: Case): string {
  const open = `    <testcase name="${xmlAttr(c.name)}" classname="${xmlAttr(classname)}" time="${seconds(c.timeMs)}"`;
  const o = c.outcome;
  if (o === undefined) return `${open}/>`;
  if (o.kind === 'skipped') return `${open}>\n      <skipped message="${xmlAttr(o.message)}"/>\n    </testcase>`;
  return `${open}>\n      <${o.kind} message="${xmlAttr(o.message)}" type="${xmlAttr(o.type)}">${xmlText(o.text)}</${o.kind}>\n    </testcase>`;
}

function properties(r: ScenarioResult, report: RunReport): [string, string][] {
  const props: [string, string][] = [
    ['database', r.database],
    ['seed', String(r.seed)],
    ['schedules', String(r.schedules)],
    ['invariantChecks', String(r.invariantChecks)],
    ['target', report.target.baseUrl],
  ];
  if (r.status !== 'errored') props.push(['runs', String(r.runs)]);
  if (r.status === 'failed') props.push(['path', r.path], ['replayCommand', r.replayCommand]);
  if (r.exact === true) props.push(['exact', 'true']);
  if (r.timing !== undefined) props.push(['timing', `recorded ×${r.timing.speed}, at most ${r.timing.maxGapMs} ms per gap`]);
  if (r.answers !== undefined) props.push(['answersCompared', String(r.answers.compared)], ['answersDiffering', String(r.answers.differences.length)]);
  return props;
}

/** What a suite's `<system-out>` says: how it was replayed and the recorded answers that changed (never a failure). */
function systemOut(r: ScenarioResult): string {
  const mode = replayModeText(r);
  const answers = answerDifferenceLines(r);
  return [...(mode === undefined ? [] : [mode]), ...(answers === undefined ? [] : [`${answers.head}:`, ...answers.lines.map((l) => `  ${l}`)])].join('\n');
}

/**
 * JUnit XML in the Apache Ant shape Jenkins, GitLab and GitHub test reporters read: one
 * `<testsuite>` per scenario, one `<testcase>` per scenario × invariant. Valid against
 * `schema/JUnit.xsd`.
 */
export function renderJunit(report: RunReport, host: string = hostname() || 'localhost'): string {
  const suites = report.results.map((r, id) => {
    const cases = casesFor(r);
    const count = (kind: string) => cases.filter((c) => c.outcome?.kind === kind).length;
    const attrs = [
      `name="${xmlAttr(r.scenario)}"`,
      `package="${PACKAGE}"`,
      `id="${id}"`,
      `timestamp="${antTimestamp(report.startedAt)}"`,
      `hostname="${xmlAttr(host)}"`,
      `tests="${cases.length}"`,
      `failures="${count('failure')}"`,
      `errors="${count('error')}"`,
      `skipped="${count('skipped')}"`,
      `time="${seconds(r.durationMs)}"`,
    ].join(' ');
    const props = properties(r, report).map(([name, value]) => `      <property name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`);
    return [
      `  <testsuite ${attrs}>`,
      '    <properties>',
      ...props,
      '    </properties>',
      ...cases.map((c) => testcase(r.scenario, c)),
      `    <system-out>${xmlText(systemOut(r))}</system-out>`,
      '    <system-err></system-err>',
      '  </testsuite>',
    ].join('\n');
  });
  return ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>', ...suites, '</testsuites>', ''].join('\n');
}
