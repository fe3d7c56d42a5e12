/**
 * The one model every reporter reads: the run report's types (from the zod schema of
 * `results.json`) and how a verdict is shown. Renderers import this and pure helpers only; the
 * data comes from the runner (`SuiteRun`), whose verdict the reports show and never re-derive.
 */
import type { z } from 'zod';
import type { SuiteRun } from '../runner/suite.ts';
import { shardOf } from '../runner/shard.ts';
import type { Verdict } from '../runner/verdict.ts';
import type { ScenarioResult } from '../runner/result.ts';
import type { diffSchema, mergedSchema, runReportSchema, shardSchema, signoffSchema, timelineCallSchema } from './results-schema.ts';

export type { Violation } from '../invariants/invariant.ts';
export { cleanReplayDiffRows, LEDGER_MATCHES_CLEAN_REPLAY, type CleanReplayDiffRow } from '../invariants/ledger-matches-clean-replay.ts';
export type { DeliveryOutcome } from '../replay/outcome.ts';
export { describeAnswerDifference, type AnswerDifference } from '../replay/answers.ts';
export { describeTimingPlan, type TimingPlan } from '../replay/timing.ts';
export type { Delivery } from '../schedule/schedule.ts';
export type { Counterexample, ScenarioResult } from '../runner/result.ts';
export type { NotApplicable } from '../runner/applicability.ts';
export type { RunSummary, Verdict } from '../runner/verdict.ts';
export type { Scenario } from '../runner/scenario.ts';
export type { SuiteProgress, SuiteRun, WorkerPlan } from '../runner/suite.ts';

/**
 * Everything the reports show about one run, and the content of `results.json` (format version 1,
 * schema in `schema/results.schema.json`, generated from `runReportSchema`).
 */
export type RunReport = z.infer<typeof runReportSchema>;
/** What pins a `gate --signoff` run so it can be repeated bit for bit. */
export type Signoff = z.infer<typeof signoffSchema>;
/** What a shard's results.json records about the split, so the shards can be checked and merged. */
export type ShardRecord = z.infer<typeof shardSchema>;
/** What a merged report records about the shards it was made from. */
export type MergedRecord = z.infer<typeof mergedSchema>;
/** What `gate --base` records: the guards the diff touched and the scenario that killed each one's mutant. */
export type DiffRecord = z.infer<typeof diffSchema>;
/** A call the target made to a simulated provider API, on the replay's clock, as the timeline draws it. */
export type TimelineCall = z.infer<typeof timelineCallSchema>;

/** How a verdict (or a scenario's status, which is one of them) reads: the words, and its tone for colour and icon. */
export const VERDICTS: Readonly<Record<Verdict, { label: string; headline: string; tone: 'good' | 'bad' | 'warn' }>> = {
  passed: { label: 'PASSED', headline: 'PASSED — every applicable invariant held', tone: 'good' },
  failed: { label: 'FAILED', headline: 'FAILED — an invariant broke', tone: 'bad' },
  errored: { label: 'ERRORED', headline: 'ERRORED — the harness could not run', tone: 'warn' },
  'nothing-ran': { label: 'NOTHING RAN', headline: 'NOTHING RAN', tone: 'warn' },
  'nothing-checked': { label: 'NOTHING CHECKED', headline: 'NOTHING CHECKED — no invariant had anything to judge', tone: 'warn' },
  interrupted: { label: 'INTERRUPTED', headline: 'INTERRUPTED — a signal stopped the run before it finished', tone: 'warn' },
};

/**
 * The run report of a runner's result.
 *
 * @example
 * const report = runReport(await runSuite(options), { name: 'idemgate', version: '0.1.0' });
 */
export function runReport(
  run: SuiteRun,
  tool: RunReport['tool'],
  extra: Pick<RunReport, 'signoff' | 'shard' | 'diff'> = {},
): RunReport {
  return {
    version: 1,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    tool,
    target: run.target,
    database: run.database,
    summary: run.summary,
    results: run.results,
    labels: run.labels,
    ...extra,
  };
}

/** The names of a scenario's not-applicable invariants (they judged nothing: never shown as held). */
export const notApplicableNames = (r: ScenarioResult): Set<string> => new Set(r.notApplicable.map((n) => n.invariant));

/** Readable label of an exchange for a scenario, falling back to its index. */
export function exchangeLabel(report: RunReport, scenario: string, exchange: number): string {
  return report.labels?.[scenario]?.[exchange] ?? `exchange ${exchange}`;
}


/** An errored scenario's harness error as one text: its code, once, then the message. */
export function harnessErrorText(error: { code: string; message: string }): string {
  return `[${error.code}] ${error.message}`;
}

/**
 * Which part of a split run a report covers, in words, or undefined for a whole run. A shard's
 * own verdict covers only its share; the run's is the merged report's.
 */
export function runScopeText(report: RunReport): string | undefined {
  const shard = report.shard;
  if (shard !== undefined) {
    const share = shardOf(shard.scenarios, shard).length;
    const whole = `${shard.scenarios.length} scenario(s)`;
    const merge = "the whole run's verdict is the one idemgate merge-reports makes of every shard's reports";
    return share === 0
      ? `shard ${shard.index}/${shard.count} ran nothing: none of the ${whole} fell to it (more shards than scenarios); ${merge}`
      : `shard ${shard.index}/${shard.count}: ${share} of ${whole}; ${merge}`;
  }
  const merged = report.merged;
  if (merged !== undefined) {
    const parts = merged.shards.map((s) => `${s.index}/${merged.count}: ${s.scenarios.length} scenario(s) in ${(s.wallMs / 1000).toFixed(1)} s`);
    return `merged from ${merged.count} shards (${parts.join('; ')})`;
  }
  return undefined;
}
