/**
 * `idemgate init [--dir DIR] [--force]`: writes idemgate.config.ts, a sample scenario, the
 * bundled tapes, an FPX test key pair and a GitHub Actions workflow for a service, inferring
 * everything it can from package.json and the source (see harness/init/). Asks nothing.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeError, IdemgateError } from '../errors.ts';
import { parseCommandArgs } from './args.ts';
import { generateFpxTestKeys } from '../init/fpx-keys.ts';
import { inferProject, type ProjectInference } from '../init/infer.ts';
import { SCHEMA_SOURCES_LOOKED_FOR } from '../init/schema-sources.ts';
import { FPX_KEY_FILES, renderConfig } from '../init/render-config.ts';
import { renderScenario, scenarioName, TAPES_DIR } from '../init/render-scenario.ts';
import { inferPackageManager, managerCommands, type PackageManagerInference } from '../init/package-manager.ts';
import { renderWorkflow } from '../init/render-workflow.ts';

export const INIT_HELP = `idemgate init [--dir DIR] [--force] [--shards N]
  Writes idemgate.config.ts, scenarios/idemgate-<providers>.test.ts, idemgate/tapes/,
  idemgate/keys/ (FPX only) and .github/workflows/idemgate.yml for the service in DIR
  (default: the current folder), inferred from its package.json and source.
  --force     overwrite files that already exist (otherwise: exit 2 naming them)
  --shards N  the workflow splits the gate over N runners (a matrix of gate --shard i/N) and a
              last job merges their reports (merge-reports); default: one job`;

/** Module specifiers the generated files import idemgate by: the package when installed, else this checkout. */
export function importPaths(dir: string): { api: string; vitest: string } {
  if (existsSync(join(dir, 'node_modules', 'idemgate'))) return { api: 'idemgate', vitest: 'idemgate/vitest' };
  return {
    api: fileURLToPath(new URL('../index.ts', import.meta.url)),
    vitest: fileURLToPath(new URL('../vitest.ts', import.meta.url)),
  };
}

const bundledTape = (provider: string): URL => new URL(`../../fixtures/tapes/${provider}.jsonl`, import.meta.url);

/** Files to write, relative to the service folder; FPX keys are made only once nothing will be refused. */
function plan(inf: ProjectInference): string[] {
  const files = ['idemgate.config.ts'];
  if (inf.providers.includes('fpx')) files.push(FPX_KEY_FILES.private, FPX_KEY_FILES.public);
  for (const p of inf.providers) files.push(`${TAPES_DIR}/${p}.jsonl`);
  if (inf.providers.length > 0) files.push(`scenarios/${scenarioName(inf.providers)}.test.ts`);
  files.push('.github/workflows/idemgate.yml');
  return files;
}

/** The service's .gitignore with reports/ added (idemgate writes its reports there); undefined when it ignores them already. */
async function gitignoreReports(dir: string): Promise<string | undefined> {
  const file = join(dir, '.gitignore');
  const text = existsSync(file) ? await readFile(file, 'utf8') : '';
  if (text.split(/\r?\n/).some((line) => /^\/?reports\/?(\*)?$/.test(line.trim()))) return undefined;
  return `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}# idemgate's reports (junit.xml, results.json, summary.md, index.html)\nreports/\n`;
}

function summary(inf: ProjectInference, written: string[], dir: string, pm: PackageManagerInference): string {
  const lines = [`idemgate init: wrote ${written.length} files in ${dir}`, ...written.map((f) => `  ${f}`), '', 'Inferred:'];
  const row = (label: string, text: string): void => {
    lines.push(`  ${label.padEnd(10)} ${text}`);
  };
  const s = inf.start.start;
  row('start', `${s.kind === 'node' ? 'node' : s.command} ${s.args.join(' ')}   (${inf.start.source})`);
  if (inf.start.build !== undefined) row('build', `${managerCommands(pm.manager).run} build first   (scripts.build: "${inf.start.build.command}"; the workflow runs it)`);
  row('health', inf.health === undefined ? 'no health route: ready once the port accepts connections' : `${inf.health.path}   (${inf.health.where})`);
  row('providers', inf.providers.length === 0 ? 'none found' : inf.providers.join(', '));
  for (const p of inf.providers) {
    const e = inf.endpoints[p];
    row('', `${p.padEnd(7)} ${e === undefined ? "tape's recorded path" : `${e.path}   (${e.where})`}`);
  }
  if (inf.clientApi !== undefined) {
    const api = inf.clientApi;
    row('client API', `${api.name}: ${api.routes.map((r) => `${r.method} ${r.path}`).join(', ')}, ${api.profile} profile   (Idempotency-Key read at ${api.keyWhere})`);
  }
  row('env', inf.env.length === 0 ? 'none recognised' : inf.env.map((e) => e.read.name).join(', '));
  row('install', `${pm.manager}   (${pm.source})`);
  row('database', inf.migration === undefined ? 'no migration call found' : `the service migrates itself (${inf.migration})`);
  if (inf.ledger !== undefined) {
    const cols = Object.entries(inf.ledger.columns).map(([role, c]) => `${role}=${c.column}`).join(' ');
    row('ledger', `${inf.ledger.table.name} (${inf.ledger.table.where}): ${cols}${inf.ledger.columns.amount === undefined ? '' : `, ${inf.ledger.sign}`}`);
  } else {
    row('ledger', inf.schema.files.length === 0 ? `no schema found (looked for ${SCHEMA_SOURCES_LOOKED_FOR})` : 'no ledger-like table found');
  }
  const cash = inf.accounts.filter((a) => a.cash).map((a) => a.account);
  row('cash', cash.length === 0 ? 'none found' : cash.join(', '));
  if (inf.entities !== undefined) {
    const cols = Object.entries(inf.entities.columns).map(([role, c]) => `${role}=${c}`).join(' ');
    row('entities', `${inf.entities.table.name} (${inf.entities.table.where}): ${cols}`);
  }
  lines.push('');
  if (inf.todos.length === 0) lines.push('Nothing left TODO.');
  else lines.push(`TODO (${inf.todos.length}, marked in the files):`, ...inf.todos.map((t) => `  - ${t}`));
  if (inf.ledger === undefined) lines.push('', 'The ledger mapping in idemgate.config.ts is a skeleton: fill it in before the first run.');
  const exec = managerCommands(pm.manager).exec;
  lines.push('', `Next: ${exec} doctor   (checks this config against the service in under a minute), then ${exec} run`);
  return lines.join('\n');
}

async function init(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('init', argv, {
    dir: { type: 'string' },
    force: { type: 'boolean' },
    shards: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    console.log(INIT_HELP);
    return 0;
  }
  const shards = values.shards === undefined ? undefined : Number(values.shards);
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 2 || shards > 256)) {
    throw new IdemgateError('USAGE', `--shards must be a whole number of runners from 2 to 256, got "${values.shards}"`);
  }
  const dir = resolve(values.dir ?? process.cwd());
  if (!existsSync(dir)) throw new IdemgateError('USAGE', `--dir ${dir} does not exist`);
  const inf = inferProject(dir);
  const files = plan(inf);
  const existing = files.filter((f) => existsSync(join(dir, f)));
  if (existing.length > 0 && values.force !== true) {
    console.error(`idemgate init: these files exist already (pass --force to overwrite):\n${existing.map((f) => `  ${join(dir, f)}`).join('\n')}`);
    return 2;
  }

  const imports = importPaths(dir);
  const contents = new Map<string, string>();
  contents.set('idemgate.config.ts', renderConfig(inf, { importFrom: imports.api }));
  if (inf.providers.includes('fpx')) {
    const keys = generateFpxTestKeys();
    contents.set(FPX_KEY_FILES.private, keys.privateKeyPem);
    contents.set(FPX_KEY_FILES.public, keys.publicKeyPem);
  }
  for (const p of inf.providers) contents.set(`${TAPES_DIR}/${p}.jsonl`, await readFile(bundledTape(p), 'utf8'));
  if (inf.providers.length > 0) contents.set(`scenarios/${scenarioName(inf.providers)}.test.ts`, renderScenario(inf.providers, imports));
  const needsBuild = inf.start.build !== undefined || inf.start.todo?.includes('build') === true;
  const pm = inferPackageManager(dir);
  contents.set(
    '.github/workflows/idemgate.yml',
    renderWorkflow({ buildStep: needsBuild, packageManager: pm.manager, ...(shards === undefined ? {} : { shards }) }),
  );
  const ignored = await gitignoreReports(dir);
  if (ignored !== undefined) contents.set('.gitignore', ignored);

  for (const [rel, text] of contents) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text, rel.endsWith('.pem') && rel.includes('private') ? { mode: 0o600 } : {});
  }
  console.log(summary(inf, [...contents.keys()], dir, pm));
  return 0;
}

/** The `init` command; exit 0 written, 2 refused (files exist) or could not run. */
export async function initCommand(argv: string[]): Promise<number> {
  try {
    return await init(argv);
  } catch (e) {
    console.error(`idemgate init: ${describeError(e)}`);
    return 2;
  }
}
