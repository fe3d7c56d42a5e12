import { answerDifferenceLines, keptFaultLines, replayModeText, shrunkFromText, violationsByInvariant } from './details.ts';
import { secondsOfMs } from '../_internals/format.ts';
import { harnessErrorText, VERDICTS, type RunSummary, type ScenarioResult } from './model.ts';

export interface Painter {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

const ansi = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const colours: Painter = { red: ansi(31), green: ansi(32), yellow: ansi(33), bold: ansi(1), dim: ansi(2) };
export const plain: Painter = { red: (s) => s, green: (s) => s, yellow: (s) => s, bold: (s) => s, dim: (s) => s };
/** Colours only on a TTY, never in CI or when NO_COLOR is set. */
export const painterFor = (stream: NodeJS.WriteStream): Painter =>
  stream.isTTY && !process.env.CI && !process.env.NO_COLOR ? colours : plain;

const MAX_EVIDENCE = 5;

/** The lines printed for one scenario result. */
export function formatResult(r: ScenarioResult, p: Painter = plain): string[] {
  const head = `${r.scenario}  ${r.schedules} schedules, ${r.invariantChecks} invariant checks, ${secondsOfMs(r.durationMs)} on ${r.database}`;
  const notApplicable = [
    ...r.notApplicable.map((n) => `    ${p.yellow('not applicable:')} ${n.invariant} (${n.reason})`),
    ...(r.excusedEffects === undefined
      ? []
      : [`    ${p.yellow('excused:')} ${r.excusedEffects} expected effect(s) over the schedules: an upstream refused what the target needed, and it ends work a refusal stopped`]),
    ...infoLines(r, p),
  ];
  if (r.status === 'passed') {
    // Passed on nothing: every invariant was not applicable, so no tick.
    const judgedNothing = new Set(r.invariants).size === r.notApplicable.length;
    return [judgedNothing ? `${p.yellow('–')} ${head}: nothing to judge` : `${p.green('✓')} ${head}`, ...notApplicable];
  }
  if (r.status === 'errored') {
    return [`${p.yellow('!')} ${head}`, `    ${p.yellow('harness error')} ${harnessErrorText(r.error)}`, ...infoLines(r, p)];
  }
  const lines = [`${p.red('✗')} ${p.bold(head)}`, ...notApplicable];
  for (const [name, violations] of violationsByInvariant(r.counterexample.violations)) {
    lines.push(`    ${p.red('broken invariant:')} ${p.bold(name)}`);
    for (const v of violations.slice(0, 5)) {
      lines.push(`      - ${v.message}`);
      for (const row of v.evidence.slice(0, MAX_EVIDENCE)) lines.push(p.dim(`          ${JSON.stringify(row)}`));
      if (v.evidence.length > MAX_EVIDENCE) lines.push(p.dim(`          … ${v.evidence.length - MAX_EVIDENCE} more rows`));
    }
    if (violations.length > 5) lines.push(`      … ${violations.length - 5} more violations`);
  }
  const steps = r.counterexample.steps;
  // An exact replay is not shrunk: its schedule is the tape as recorded.
  lines.push(`    ${r.exact === true ? 'schedule as recorded' : 'shrunk schedule'} (${steps.length} steps, edits: ${JSON.stringify(r.counterexample.draw.edits)}):`);
  for (const s of steps) lines.push(`      ${s}`);
  for (const e of r.counterexample.excused ?? []) lines.push(`    ${p.yellow('excused:')} effect ${e.reference}: ${e.reason}`);
  // The upstream faults it kept (the delivery edits are in the line above).
  for (const f of keptFaultLines(r.counterexample).slice(1)) lines.push(`    ${p.yellow(f)}`);
  const from = shrunkFromText(r);
  if (from !== undefined) lines.push(`    ${from}`);
  if (r.hint !== undefined) lines.push(`    ${p.yellow('hint:')} ${r.hint}`);
  lines.push(`    replay: ${p.bold(r.replayCommand)}`);
  if (r.savedTo) lines.push(`    saved:  ${r.savedTo}`);
  return lines;
}

/** How it was replayed, and the recorded answers that changed: said for any result, never a verdict. */
function infoLines(r: ScenarioResult, p: Painter): string[] {
  const mode = replayModeText(r);
  const answers = answerDifferenceLines(r);
  return [
    ...(mode === undefined ? [] : [`    ${p.dim(mode)}`]),
    ...(answers === undefined ? [] : [`    ${p.yellow(`${answers.head}:`)}`, ...answers.lines.map((l) => `      ${l}`)]),
  ];
}

const TONE_PAINT = { good: 'green', bad: 'red', warn: 'yellow' } as const;

/** The run's verdict and totals, for the end of a terminal run. */
export function formatSummary(s: RunSummary, p: Painter = plain): string {
  const { label, tone } = VERDICTS[s.verdict];
  const verdict = p[TONE_PAINT[tone]](label);
  return [
    `${verdict}  scenarios ${s.scenarios} (${s.passed} passed, ${s.failed} failed, ${s.errored} errored)`,
    `  schedules explored ${s.schedules}, invariants checked ${s.invariantChecks}${s.invariantsNotApplicable === 0 ? '' : ` (${s.invariantsNotApplicable} not applicable: nothing to judge)`}, violations ${s.violations}, wall time ${secondsOfMs(s.wallMs)}`,
    `  throughput ${(s.schedules / Math.max(s.wallMs / 1000, 0.001)).toFixed(1)} schedules/s`,
    ...(s.unmodelled === undefined ? [] : [`  ${p.yellow('unmodelled')} (replayed with no expected effect or status): ${s.unmodelled.join(', ')}`]),
    ...(s.verdict === 'nothing-checked'
      ? ['  nothing was checked: no invariant of any scenario had anything to judge (the reasons are above), so the run proves nothing (exit 2)']
      : []),
  ].join('\n');
}

