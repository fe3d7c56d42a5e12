import type { ScenarioResult } from './result.ts';

/** What a whole run comes to, decided once here; reports and the CLI's exit code read it. */
export type Verdict = 'passed' | 'failed' | 'errored' | 'nothing-ran' | 'nothing-checked' | 'interrupted';

/** The process exit code a verdict maps to: 0 every applicable invariant held, 1 one broke, 2 the harness could not run. */
export type ExitCode = 0 | 1 | 2;

export interface RunSummary {
  verdict: Verdict;
  scenarios: number;
  passed: number;
  failed: number;
  errored: number;
  schedules: number;
  invariantChecks: number;
  /** Scenario × invariant pairs that judged something in at least one schedule (errored scenarios count none). */
  invariantsJudged: number;
  /** Scenario × invariant pairs that judged nothing in any schedule: reported as not applicable. */
  invariantsNotApplicable: number;
  violations: number;
  wallMs: number;
  /** Every scenario's unmodelled events, each named once over the run; absent when none. */
  unmodelled?: string[];
  /** The signal that stopped the run (SIGINT, SIGTERM); the verdict is then `interrupted`. */
  interrupted?: string;
}

type Counts = Omit<RunSummary, 'verdict' | 'unmodelled' | 'interrupted'>;

/**
 * The verdict rules in order of precedence, as data: the first that applies decides. Nothing ran
 * or a harness error beats a broken invariant (a run that could not check proves nothing), which
 * beats a run in which no invariant had anything to judge (it proves nothing either), which
 * beats a pass.
 */
const VERDICT_RULES: readonly { verdict: Verdict; applies: (c: Counts) => boolean }[] = [
  { verdict: 'nothing-ran', applies: (c) => c.scenarios === 0 },
  { verdict: 'errored', applies: (c) => c.errored > 0 },
  { verdict: 'failed', applies: (c) => c.failed > 0 },
  { verdict: 'nothing-checked', applies: (c) => c.invariantsJudged === 0 },
];

/**
 * `interrupted` maps to 2 here (never 0: the run proves nothing); the CLI itself exits 128 + the
 * signal's number (130 SIGINT, 143 SIGTERM), as a shell expects of a process stopped by one.
 */
export const EXIT_CODES: Readonly<Record<Verdict, ExitCode>> = { passed: 0, failed: 1, errored: 2, 'nothing-ran': 2, 'nothing-checked': 2, interrupted: 2 };

/** The run's verdict from its counts. */
export const verdictOf = (c: Counts): Verdict => VERDICT_RULES.find((r) => r.applies(c))?.verdict ?? 'passed';

/** Exit code of a run: the one mapping from verdict to process status. */
export const exitCodeFor = (s: Pick<RunSummary, 'verdict'>): ExitCode => EXIT_CODES[s.verdict];

/**
 * Counts the results and decides the verdict. A run stopped by a signal (`interrupted`, its name)
 * is `interrupted` whatever its results: what did not run cannot pass.
 */
export function summarise(results: readonly ScenarioResult[], wallMs: number, interrupted?: string): RunSummary {
  const counts: Counts = {
    scenarios: results.length,
    passed: results.filter((r) => r.status === 'passed').length,
    failed: results.filter((r) => r.status === 'failed').length,
    errored: results.filter((r) => r.status === 'errored').length,
    schedules: results.reduce((n, r) => n + r.schedules, 0),
    invariantChecks: results.reduce((n, r) => n + r.invariantChecks, 0),
    invariantsJudged: results.reduce((n, r) => n + (r.status === 'errored' ? 0 : new Set(r.invariants).size - r.notApplicable.length), 0),
    invariantsNotApplicable: results.reduce((n, r) => n + r.notApplicable.length, 0),
    violations: results.reduce((n, r) => n + (r.status === 'failed' ? r.counterexample.violations.length : 0), 0),
    wallMs,
  };
  const unmodelled = [...new Set(results.flatMap((r) => r.unmodelled ?? []))].sort();
  return {
    verdict: interrupted === undefined ? verdictOf(counts) : 'interrupted',
    ...counts,
    ...(unmodelled.length > 0 ? { unmodelled } : {}),
    ...(interrupted === undefined ? {} : { interrupted }),
  };
}
