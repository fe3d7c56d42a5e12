import type { ScenarioResult } from '../runner/result.ts';

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

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const MAX_EVIDENCE = 5;

/** The lines printed for one scenario result. */
export function formatResult(r: ScenarioResult, p: Painter = plain): string[] {
  const head = `${r.scenario}  ${r.schedules} schedules, ${r.invariantChecks} invariant checks, ${seconds(r.durationMs)} on ${r.database}`;
  if (r.status === 'passed') return [`${p.green('✓')} ${head}`];
  if (r.status === 'errored') {
    return [`${p.yellow('!')} ${head}`, `    ${p.yellow('harness error')} ${r.error.message}`];
  }
  const lines = [`${p.red('✗')} ${p.bold(head)}`];
  const byInvariant = new Map<string, typeof r.counterexample.violations>();
  for (const v of r.counterexample.violations) byInvariant.set(v.invariant, [...(byInvariant.get(v.invariant) ?? []), v]);
  for (const [name, violations] of byInvariant) {
    lines.push(`    ${p.red('broken invariant:')} ${p.bold(name)}`);
    for (const v of violations.slice(0, 5)) {
      lines.push(`      - ${v.message}`);
      for (const row of v.evidence.slice(0, MAX_EVIDENCE)) lines.push(p.dim(`          ${JSON.stringify(row)}`));
      if (v.evidence.length > MAX_EVIDENCE) lines.push(p.dim(`          … ${v.evidence.length - MAX_EVIDENCE} more rows`));
    }
    if (violations.length > 5) lines.push(`      … ${violations.length - 5} more violations`);
  }
  const steps = r.counterexample.steps;
  lines.push(`    shrunk schedule (${steps.length} steps, edits: ${JSON.stringify(r.counterexample.draw.edits)}):`);
  for (const s of steps) lines.push(`      ${s}`);
  lines.push(`    replay: ${p.bold(r.replayCommand)}`);
  if (r.savedTo) lines.push(`    saved:  ${r.savedTo}`);
  return lines;
}

export interface RunSummary {
  scenarios: number;
  passed: number;
  failed: number;
  errored: number;
  schedules: number;
  invariantChecks: number;
  violations: number;
  wallMs: number;
}

export function summarise(results: readonly ScenarioResult[], wallMs: number): RunSummary {
  return {
    scenarios: results.length,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    errored: results.filter((r) => r.status === 'errored').length,
    schedules: results.reduce((n, r) => n + r.schedules, 0),
    invariantChecks: results.reduce((n, r) => n + r.invariantChecks, 0),
    violations: results.reduce((n, r) => n + (r.status === 'failed' ? r.counterexample.violations.length : 0), 0),
    wallMs,
  };
}

export function formatSummary(s: RunSummary, p: Painter = plain): string {
  const verdict =
    s.scenarios === 0
      ? p.yellow('NOTHING RAN')
      : s.errored > 0
        ? p.yellow('ERRORED')
        : s.failed > 0
          ? p.red('FAILED')
          : p.green('PASSED');
  return [
    `${verdict}  scenarios ${s.scenarios} (${s.passed} passed, ${s.failed} failed, ${s.errored} errored)`,
    `  schedules explored ${s.schedules}, invariants checked ${s.invariantChecks}, violations ${s.violations}, wall time ${seconds(s.wallMs)}`,
    `  throughput ${(s.schedules / Math.max(s.wallMs / 1000, 0.001)).toFixed(1)} schedules/s`,
  ].join('\n');
}

/** Exit code: 0 all passed, 1 an invariant broke, 2 the harness could not run (or nothing ran). */
export function exitCodeFor(s: RunSummary): 0 | 1 | 2 {
  if (s.scenarios === 0 || s.errored > 0) return 2;
  return s.failed > 0 ? 1 : 0;
}
