import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { describeError, IdemgateError } from '../errors.ts';
import { formatSummary, painterFor } from '../report/console.ts';
import { runReport, type Signoff } from '../report/model.ts';
import { createProgress } from '../report/progress.ts';
import { githubOptionsFromEnv, writeReports } from '../report/write.ts';
import { findConfigFile, loadConfig, loadScenarios } from '../runner/load.ts';
import type { Scenario } from '../runner/scenario.ts';
import { runSuite } from '../runner/suite.ts';
import { exitCodeFor, type ExitCode } from '../runner/verdict.ts';

const TOOL_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

const HELP = `idemgate — prove a payment backend is idempotent

Usage:
  idemgate run  [--scenario NAME]... [--runs N] [--seed N] [--path P] [--config FILE] [--pglite] [--reports DIR]
      Run scenarios (all by default) against the configured target and write the reports.
  idemgate gate [--mutate] [--signoff] [same options as run]
      The CI gate: run the whole suite (and, with --mutate, the guard-mutation matrix).
      --signoff records the target's git commit and a hash of scenarios, seeds and tapes.
  idemgate init [--dir DIR] [--force]
      In your service's repo: infer and write idemgate.config.ts, a sample scenario, test keys,
      tapes and a GitHub Actions workflow.
  idemgate mutate [--help]
      Make one mutant of the target per guard and prove every one is caught.
  idemgate fpx-file --tape FILE --date YYYY-MM-DD [--state 14] [--shape regular|holiday] [--out FILE]
      Write the FPX reconciliation file a tape's approved payments settle in on that date.
  idemgate list [--config FILE]
      List the scenarios.

Exit codes: 0 every invariant held; 1 an invariant broke (or a mutant survived); 2 the harness
could not run (bad config, target never healthy, database unreachable, nothing to run).

Options:
  --scenario NAME   run only this scenario (repeatable)
  --runs N          schedules per scenario (default: each scenario's own, usually 100)
  --seed N          fast-check seed (printed on every failure)
  --path P          fast-check path of a counterexample: with --seed, replays exactly that schedule
  --config FILE     config file (default: idemgate.config.ts in this folder or a parent)
  --pglite          use embedded PGlite even when DATABASE_URL is set
  --workers N       run schedules on N executors, each with its own target and database (default:
                    the core count; 1 for a target at a URL or on a fixed port, and at most one per
                    25 schedules). The verdict and counterexample for a seed are the same for any N.
  --reports DIR     where reports and shrunk schedules go (default: reports/ next to the config)

Environment: DATABASE_URL=postgres://… runs against real PostgreSQL (a fresh database is created and dropped).
CI=true keeps the output quiet (no progress bar, no colours).`;

const OPTIONS = {
  scenario: { type: 'string', multiple: true },
  runs: { type: 'string' },
  seed: { type: 'string' },
  path: { type: 'string' },
  config: { type: 'string' },
  pglite: { type: 'boolean' },
  workers: { type: 'string' },
  reports: { type: 'string' },
  mutate: { type: 'boolean' },
  signoff: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new IdemgateError('USAGE', `--${name} must be a non-negative integer, got "${v}"`);
  return n;
}

function pick(all: readonly Scenario[], wanted: readonly string[]): Scenario[] {
  const unknown = wanted.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    throw new IdemgateError('USAGE', `unknown scenario ${unknown.join(', ')}; known: ${all.map((s) => s.name).join(', ')}`);
  }
  return wanted.length > 0 ? all.filter((s) => wanted.includes(s.name)) : [...all];
}

/** What a sign-off pins so the same run can be repeated bit for bit. */
function signoffRecord(rootDir: string, scenarios: readonly Scenario[], seed: number, runs: number | undefined): Signoff {
  const git = (args: string[]): string | undefined => {
    try {
      return execFileSync('git', args, { cwd: rootDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const hash = createHash('sha256');
  const files: Record<string, string> = {};
  for (const scenario of scenarios) {
    hash.update(JSON.stringify({ name: scenario.name, runs: runs ?? scenario.runs, tapes: scenario.tapes, maxEdits: scenario.maxEdits }));
    for (const tape of scenario.tapes) {
      const digest = createHash('sha256').update(readFileSync(resolve(rootDir, tape))).digest('hex');
      files[tape] = digest;
      hash.update(digest);
    }
  }
  hash.update(String(seed));
  const commit = git(['rev-parse', 'HEAD']);
  const dirty = git(['status', '--porcelain']);
  return {
    commit: commit ?? null,
    dirty: dirty === undefined ? null : dirty.length > 0,
    seed,
    tapes: files,
    suiteHash: hash.digest('hex'),
    rerun: `npx idemgate gate --signoff --seed ${seed}${runs === undefined ? '' : ` --runs ${runs}`}`,
  };
}

async function run(argv: string[]): Promise<number> {
  const command = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : 'run';
  if (command === 'mutate') {
    const { mutateCommand } = await import('./mutate.ts');
    return mutateCommand(argv.slice(1));
  }
  if (command === 'init') {
    const { initCommand } = await import('./init.ts');
    return initCommand(argv.slice(1));
  }
  if (command === 'fpx-file') {
    const { fpxFileCommand } = await import('./fpx-file.ts');
    return fpxFileCommand(argv.slice(1));
  }
  const { values } = parseArgs({ args: argv[0] === command ? argv.slice(1) : argv, allowPositionals: false, options: OPTIONS });
  if (values.help || command === 'help') {
    console.log(HELP);
    return 0;
  }
  const runs = int('runs', values.runs);
  let seed = int('seed', values.seed);
  if (values.path !== undefined && seed === undefined) throw new IdemgateError('USAGE', '--path needs the --seed it was found with');
  if (runs === 0) throw new IdemgateError('USAGE', '--runs must be at least 1');
  if (command !== 'run' && command !== 'gate' && command !== 'list') {
    throw new IdemgateError('USAGE', `unknown command "${command}"\n\n${HELP}`);
  }
  if (command === 'run' && (values.mutate || values.signoff)) {
    throw new IdemgateError('USAGE', '--mutate and --signoff belong to `idemgate gate`');
  }

  const configFile = values.config ?? findConfigFile();
  const { config, rootDir } = await loadConfig(configFile);
  const workers = int('workers', values.workers) ?? availableParallelism();
  if (workers < 1) throw new IdemgateError('USAGE', '--workers must be at least 1');
  const all = await loadScenarios(resolve(rootDir, config.scenarios ?? 'scenarios'));
  if (command === 'list') {
    for (const s of all) console.log(`${s.name.padEnd(32)} ${s.runs} runs  ${s.description}`);
    return 0;
  }
  const scenarios = pick(all, values.scenario ?? []);
  // A sign-off must be repeatable: it pins a seed even when none was given.
  if (values.signoff && seed === undefined) seed = (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  const p = painterFor(process.stdout);
  const reportsDir = resolve(rootDir, values.reports ?? config.reportsDir ?? 'reports');
  console.log(`idemgate ${command}: ${scenarios.length} scenario(s)${seed === undefined ? '' : `, seed ${seed}`}`);
  const suite = await runSuite({
    config,
    rootDir,
    scenarios,
    ...(runs === undefined ? {} : { runs }),
    ...(seed === undefined ? {} : { seed }),
    ...(values.path === undefined ? {} : { path: values.path }),
    pglite: values.pglite === true,
    workers: { count: workers, configFile },
    reportsDir,
    progress: createProgress(process.stdout, p),
  });
  let exit = exitCodeFor(suite.summary);
  const report = runReport(
    suite,
    { name: 'idemgate', version: TOOL_VERSION },
    values.signoff ? { signoff: signoffRecord(rootDir, scenarios, seed!, runs) } : {},
  );
  if (values.mutate && exit === 0) {
    const { mutateCommand } = await import('./mutate.ts');
    const mutateArgs = [
      '--reports',
      reportsDir,
      ...(values.config ? ['--config', values.config] : []),
      ...(values.pglite ? ['--pglite'] : []),
      ...(seed === undefined ? [] : ['--seed', String(seed)]),
      ...(runs === undefined ? [] : ['--runs', String(runs)]),
      ...(values.scenario ?? []).flatMap((s) => ['--scenario', s]),
    ];
    const mutateExit = await mutateCommand(mutateArgs);
    exit = Math.max(exit, mutateExit) as ExitCode;
  }
  const written = await writeReports(reportsDir, report, { github: githubOptionsFromEnv() });
  console.log(`\n${formatSummary(suite.summary, p)}`);
  if (report.signoff) console.log(`  sign-off: suite ${report.signoff.suiteHash.slice(0, 16)}…, rerun: ${report.signoff.rerun}`);
  console.log(`  reports: ${written.files.map((f) => relative(process.cwd(), f)).join(', ')} (${written.ms.toFixed(0)} ms)`);
  return exit;
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
