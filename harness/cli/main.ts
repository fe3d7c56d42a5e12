import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeError, IdemgateError } from '../errors.ts';
import { exitCodeFor, formatResult, formatSummary, painterFor, summarise } from '../report/console.ts';
import { findConfigFile, loadConfig, loadScenarios } from '../runner/load.ts';
import { loadScenarioTape, prepareTape, runScenario, stepLabel } from '../runner/run-scenario.ts';
import { githubOptionsFromEnv, writeReports, type RunReport } from '../report/run-report.ts';
import type { ScenarioResult } from '../runner/result.ts';
import { openSession } from '../runner/session.ts';

const TOOL_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const HELP = `idemgate — prove a payment backend is idempotent

Usage:
  idemgate run [--scenario NAME]... [--runs N] [--seed N] [--path P] [--config FILE] [--pglite] [--reports DIR]
      Run scenarios (all by default) against the configured target. Exit 0 all invariants held,
      1 an invariant broke (the shrunk schedule and a replay command are printed), 2 the harness
      could not run (bad config, target down, database unreachable, nothing to run).
  idemgate list [--config FILE]
      List the scenarios.

Options:
  --scenario NAME   run only this scenario (repeatable)
  --runs N          schedules per scenario (default: each scenario's own, usually 100)
  --seed N          fast-check seed (printed on every failure)
  --path P          fast-check path of a counterexample: with --seed, replays exactly that schedule
  --config FILE     config file (default: idemgate.config.ts in this folder or a parent)
  --pglite          use embedded PGlite even when DATABASE_URL is set
  --reports DIR     where shrunk schedules are saved (default: reports/ next to the config)

Environment: DATABASE_URL=postgres://… runs against real PostgreSQL (a fresh database is created and dropped).`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      scenario: { type: 'string', multiple: true },
      runs: { type: 'string' },
      seed: { type: 'string' },
      path: { type: 'string' },
      config: { type: 'string' },
      pglite: { type: 'boolean' },
      reports: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'run';
  if (values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new IdemgateError('USAGE', `--${name} must be a non-negative integer, got "${v}"`);
    return n;
  };
  const runs = int('runs', values.runs);
  const seed = int('seed', values.seed);
  if (values.path !== undefined && seed === undefined) throw new IdemgateError('USAGE', '--path needs the --seed it was found with');
  if (runs === 0) throw new IdemgateError('USAGE', '--runs must be at least 1');

  const { config, rootDir } = await loadConfig(values.config ?? findConfigFile());
  const all = await loadScenarios(resolve(rootDir, config.scenarios ?? 'scenarios'));
  if (command === 'list') {
    for (const s of all) console.log(`${s.name.padEnd(32)} ${s.runs} runs  ${s.description}`);
    return 0;
  }
  if (command !== 'run') throw new IdemgateError('USAGE', `unknown command "${command}"\n\n${HELP}`);

  const wanted = values.scenario ?? [];
  const unknown = wanted.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new IdemgateError('USAGE', `unknown scenario ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`);
  }
  const scenarios = wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : all;
  const p = painterFor(process.stdout);
  const started = performance.now();
  const startedAt = new Date();
  const tapes = await Promise.all(scenarios.map((s) => loadScenarioTape(s, rootDir)));
  const session = await openSession({ config, rootDir, tapes, ...(values.pglite ? { databaseUrl: null } : {}) });
  const results: ScenarioResult[] = [];
  const reportsDir = resolve(rootDir, values.reports ?? config.reportsDir ?? 'reports');
  const labels: Record<string, string[]> = {};
  const targetUrl = session.target.baseUrl;
  const databaseKind = session.database.kind;
  try {
    console.log(`idemgate: ${scenarios.length} scenario(s) against ${session.target.baseUrl} on ${session.database.kind}`);
    for (const scenario of scenarios) {
      const result = await runScenario(session, scenario, {
        ...(runs === undefined ? {} : { runs }),
        ...(seed === undefined ? {} : { seed }),
        ...(values.path === undefined ? {} : { path: values.path }),
        reportsDir,
      });
      results.push(result);
      if (result.status === 'failed') {
        const prepared = prepareTape(tapes[scenarios.indexOf(scenario)]!);
        labels[scenario.name] = prepared.tape.exchanges.map((_, i) => stepLabel(prepared)(i));
      }
      console.log(formatResult(result, p).join('\n'));
    }
  } finally {
    await session.close();
  }
  const summary = summarise(results, performance.now() - started);
  const report: RunReport = {
    version: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    tool: { name: 'idemgate', version: TOOL_VERSION },
    target: { baseUrl: targetUrl },
    database: databaseKind,
    summary,
    results,
    labels,
  };
  const written = await writeReports(reportsDir, report, { github: githubOptionsFromEnv() });
  console.log(`\n${formatSummary(summary, p)}`);
  console.log(`  reports: ${written.files.map((f) => relative(process.cwd(), f)).join(', ')} (${written.ms.toFixed(0)} ms)`);
  return exitCodeFor(summary);
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    console.error(`idemgate: ${describeError(e)}`);
    return 2;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href;
if (isEntry) process.exitCode = await main(process.argv.slice(2));
