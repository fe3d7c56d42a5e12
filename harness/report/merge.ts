/**
 * Merging the results.json files of a run split with `--shard i/n` into the report of the whole
 * run. Only results are merged; the counts and the verdict are recomputed from them by the
 * runner's `summarise`, the one place verdicts are decided.
 */
import { IdemgateError } from '../errors.ts';
import { completeShardSet, sameSetting, shardLabel, shardOf, type ShardPart } from '../runner/shard.ts';
import { summarise } from '../runner/verdict.ts';
import type { RunReport } from './model.ts';
import { runReportSchema } from './results-schema.ts';
import { parseReportFile } from '../_internals/parse-json.ts';

/** Reads one results.json; a file that is not a version-1 run report is REPORTS_INVALID naming it and the first bad field. */
export function parseRunReport(text: string, source: string): RunReport {
  return parseReportFile(text, source, runReportSchema, 'an idemgate results.json (version 1)');
}

export interface RunReportFile {
  /** The file read, for messages. */
  source: string;
  report: RunReport;
}

const earliest = (isos: readonly string[]): string => isos.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
const latest = (isos: readonly string[]): string => isos.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

/**
 * The report of the whole run from its shards' reports: every scenario's result once, in the
 * unsharded run's order, and the summary recomputed from them. Throws REPORTS_INVALID when the
 * reports are not the shards of one run: a report without a shard, a shard missing or given
 * twice, a different split, seed, runs, selection, config or tapes, or a shard holding other
 * scenarios than its share.
 */
export function mergeRunReports(files: readonly RunReportFile[]): RunReport {
  const parts = files.map((f): RunReportFile & ShardPart => {
    if (f.report.merged !== undefined) {
      throw new IdemgateError('REPORTS_INVALID', `${f.source} is already a merged report; pass the shards' own reports folders`, { details: { file: f.source } });
    }
    if (f.report.shard === undefined) {
      throw new IdemgateError('REPORTS_INVALID', `${f.source} is not a shard's results.json (it has no "shard": it was written without --shard i/n)`, {
        details: { file: f.source },
      });
    }
    return { ...f, shard: f.report.shard };
  });
  const shards = completeShardSet(parts);
  const setting = (what: string, get: (r: RunReport) => unknown): void => sameSetting(shards, what, (p) => get(p.report));
  setting('command', (r) => r.shard!.command);
  setting('the scenario selection', (r) => r.shard!.scenarios);
  setting('seed', (r) => r.shard!.seed);
  setting('runs', (r) => r.shard!.runs);
  setting('--mutate', (r) => r.shard!.mutate);
  setting('database', (r) => r.database);
  setting('suite hash (config file, scenarios, runs, tapes and seed)', (r) => r.shard!.suiteHash);
  setting('git commit', (r) => r.shard!.commit);
  setting('idemgate version', (r) => r.tool.version);
  setting('sign-off', (r) => (r.signoff === undefined ? null : { suiteHash: r.signoff.suiteHash, seed: r.signoff.seed, commit: r.signoff.commit }));

  const selection = shards[0]!.report.shard!.scenarios;
  const byName = new Map<string, RunReport['results'][number]>();
  for (const p of shards) {
    const share = shardOf(selection, p.shard);
    const ran = p.report.results.map((r) => r.scenario);
    if (JSON.stringify(ran) !== JSON.stringify(share)) {
      throw new IdemgateError(
        'REPORTS_INVALID',
        `${p.source} (shard ${shardLabel(p.shard)}) holds scenarios ${ran.join(', ') || '(none)'}, but that shard's share of the selection is ${share.join(', ') || '(none)'}`,
        { details: { file: p.source } },
      );
    }
    for (const r of p.report.results) byName.set(r.scenario, r);
  }
  const results = selection.map((name) => byName.get(name)!);
  const labels = Object.assign({}, ...shards.map((p) => p.report.labels ?? {})) as Record<string, string[]>;
  const first = shards[0]!.report;
  return {
    version: 1,
    startedAt: earliest(shards.map((p) => p.report.startedAt)),
    finishedAt: latest(shards.map((p) => p.report.finishedAt)),
    tool: first.tool,
    target: first.target,
    database: first.database,
    // The shards ran side by side: the run took as long as its slowest shard.
    // A shard stopped by a signal makes the whole run interrupted.
    summary: summarise(
      results,
      Math.max(...shards.map((p) => p.report.summary.wallMs)),
      shards.map((p) => p.report.summary.interrupted).find((s) => s !== undefined),
    ),
    results,
    labels,
    ...(first.signoff === undefined ? {} : { signoff: first.signoff }),
    merged: {
      count: shards.length,
      shards: shards.map((p) => ({ index: p.shard.index, scenarios: p.report.results.map((r) => r.scenario), wallMs: p.report.summary.wallMs })),
    },
  };
}
