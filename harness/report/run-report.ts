import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScenarioResult } from '../runner/result.ts';
import type { RunSummary } from './console.ts';
import { githubAnnotations } from './github.ts';
import { renderHtml } from './html.ts';
import { renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './markdown.ts';

/** A call the target made to a simulated provider API, on the replay's clock (ms since the schedule started). */
export interface UpstreamCallRecord {
  atMs: number;
  method: string;
  path: string;
  status: number;
  error?: string;
}

/**
 * Everything the reports show about one run, and the content of `results.json` (format version 1,
 * schema in `schema/results.schema.json`). Reports only read it; nothing here reaches back into the runner.
 */
export interface RunReport {
  version: 1;
  /** ISO 8601 with offset. */
  startedAt: string;
  finishedAt: string;
  tool: { name: string; version: string };
  target: { baseUrl: string };
  database: 'pglite' | 'postgres';
  summary: RunSummary;
  results: ScenarioResult[];
  /** Per scenario, a readable label for each exchange of its tape (index = exchange). */
  labels?: Record<string, string[]>;
  /** Per scenario, the upstream calls made while its shrunk schedule replayed (drawn on the timeline). */
  upstream?: Record<string, UpstreamCallRecord[]>;
  /** Present for `idemgate gate --signoff`: what pins the run so it can be repeated bit for bit. */
  signoff?: Signoff;
}

export interface Signoff {
  /** git commit of the project holding the config; null outside git. */
  commit: string | null;
  /** Uncommitted changes at sign-off; null outside git. */
  dirty: boolean | null;
  seed: number;
  /** sha256 of each tape file, by path. */
  tapes: Record<string, string>;
  /** sha256 over scenario names, runs, tapes and their hashes, and the seed. */
  suiteHash: string;
  /** The command that repeats this sign-off. */
  rerun: string;
}

export type Verdict = 'passed' | 'failed' | 'errored' | 'nothing-ran';

/** The same order of precedence as the exit code: nothing ran or errored beats failed beats passed. */
export function verdictOf(s: RunSummary): Verdict {
  if (s.scenarios === 0) return 'nothing-ran';
  if (s.errored > 0) return 'errored';
  return s.failed > 0 ? 'failed' : 'passed';
}

export const VERDICT_TEXT: Record<Verdict, string> = {
  passed: 'PASSED — every invariant held',
  failed: 'FAILED — an invariant broke',
  errored: 'ERRORED — the harness could not run',
  'nothing-ran': 'NOTHING RAN',
};

/** Readable label of an exchange for a scenario, falling back to its index. */
export function exchangeLabel(report: RunReport, scenario: string, exchange: number): string {
  return report.labels?.[scenario]?.[exchange] ?? `exchange ${exchange}`;
}

export interface GithubOptions {
  /** `$GITHUB_STEP_SUMMARY`: summary.md is appended to it. */
  stepSummaryFile?: string;
  /** Print `::error` workflow commands. */
  annotations: boolean;
  /** Where annotation lines go; default stdout. */
  print?: (line: string) => void;
}

export interface WriteReportsOptions {
  github?: GithubOptions;
}

/** GitHub options from the environment: annotations only under GitHub Actions. */
export function githubOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): GithubOptions {
  return {
    annotations: env.GITHUB_ACTIONS === 'true',
    ...(env.GITHUB_STEP_SUMMARY ? { stepSummaryFile: env.GITHUB_STEP_SUMMARY } : {}),
  };
}

export const REPORT_FILES = ['junit.xml', 'results.json', 'summary.md', 'index.html'] as const;

/**
 * Writes junit.xml, results.json, summary.md and index.html into `dir` (created if missing), appends
 * summary.md to the GitHub step summary and prints annotations when asked.
 *
 * @example
 * const { files, ms } = await writeReports('reports', report, { github: githubOptionsFromEnv() });
 */
export async function writeReports(
  dir: string,
  report: RunReport,
  options: WriteReportsOptions = {},
): Promise<{ files: string[]; ms: number }> {
  const started = performance.now();
  await mkdir(dir, { recursive: true });
  const markdown = renderSummaryMarkdown(report);
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'junit.xml': renderJunit(report),
    'results.json': `${JSON.stringify(report, null, 2)}\n`,
    'summary.md': markdown,
    'index.html': renderHtml(report),
  };
  const files: string[] = [];
  for (const name of REPORT_FILES) {
    const file = join(dir, name);
    await writeFile(file, contents[name], 'utf8');
    files.push(file);
  }
  const github = options.github;
  if (github?.stepSummaryFile) {
    await appendFile(github.stepSummaryFile, `${markdown}\n`, 'utf8');
    files.push(github.stepSummaryFile);
  }
  if (github?.annotations) {
    const print = github.print ?? ((line: string) => process.stdout.write(`${line}\n`));
    for (const line of githubAnnotations(report)) print(line);
  }
  return { files, ms: performance.now() - started };
}
