import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { maskDeep } from '../_internals/mask.ts';
import { githubAnnotations } from './github.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderJunit } from './junit.ts';
import { renderSummaryMarkdown } from './markdown.ts';
import type { RunReport } from './model.ts';

/** A reporter that writes one file into the reports folder. */
export interface FileReporter {
  file: string;
  render: (report: RunReport) => string;
}

/**
 * The reporters, by name: the one table `writeReports` walks, in the order the files are written.
 * Each is a leaf that reads only the model; console.ts (terminal) and github.ts (annotations)
 * print instead of writing a file.
 */
export const REPORTERS = {
  junit: { file: 'junit.xml', render: renderJunit },
  json: { file: 'results.json', render: renderJson },
  markdown: { file: 'summary.md', render: renderSummaryMarkdown },
  html: { file: 'index.html', render: renderHtml },
} as const satisfies Record<string, FileReporter>;

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

/**
 * Writes every reporter's file into `dir` (created if missing), appends summary.md to the GitHub
 * step summary and prints annotations when asked.
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
  // Every file and annotation is rendered from the masked report: no secret, URL password,
  // private key or credential header reaches a report.
  report = maskDeep(report);
  await mkdir(dir, { recursive: true });
  const files: string[] = [];
  for (const reporter of Object.values(REPORTERS)) {
    const file = join(dir, reporter.file);
    await writeFile(file, reporter.render(report), 'utf8');
    files.push(file);
  }
  const github = options.github;
  if (github?.stepSummaryFile) {
    await appendFile(github.stepSummaryFile, `${REPORTERS.markdown.render(report)}\n`, 'utf8');
    files.push(github.stepSummaryFile);
  }
  if (github?.annotations) {
    const print = github.print ?? ((line: string) => process.stdout.write(`${line}\n`));
    for (const line of githubAnnotations(report)) print(line);
  }
  return { files, ms: performance.now() - started };
}
