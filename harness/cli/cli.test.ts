import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMutationProject, makeProject, STRIPE_TAPE as tape } from './testdata/project.ts';

const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'harness/cli/bin.js');

function idemgate(args: string[], env: Record<string, string> = {}): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', CI: 'true', ...env },
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('idemgate run (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'idemgate-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 on a target without idempotency guards, naming the invariant, the shrunk schedule and the replay command', () => {
    const config = makeProject(join(dir, 'naive'), { target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }" });
    const first = idemgate(['run', '--config', config, '--runs', '50', '--seed', '42', '--pglite']);
    expect(first.status, first.out).toBe(1);
    expect(first.out).toContain('broken invariant: exactly-once-effect');
    expect(first.out).toMatch(/shrunk schedule \(\d+ steps/);
    const replay = /replay: (npx idemgate run --scenario naive-stripe --seed 42 --path "([\d:]+)")/.exec(first.out);
    expect(replay, first.out).not.toBeNull();
    const steps = (s: string): string => s.slice(s.indexOf('shrunk schedule'), s.indexOf('replay:'));

    // The printed command replays exactly the shrunk schedule.
    const again = idemgate(['run', '--config', config, '--seed', '42', '--path', replay![2]!, '--pglite']);
    expect(again.status, again.out).toBe(1);
    expect(steps(again.out)).toBe(steps(first.out));

    // And the shrunk schedule is saved as JSON.
    const saved = JSON.parse(readFileSync(join(dir, 'naive', 'reports', 'failures', 'naive-stripe.json'), 'utf8')) as {
      format: string;
      path: string;
      violations: { invariant: string }[];
    };
    expect(saved.format).toBe('idemgate-counterexample');
    expect(saved.path).toBe(replay![2]);
    expect(saved.violations.map((v) => v.invariant)).toContain('exactly-once-effect');
  });

  it('replays an event no adapter models and names it once as unmodelled in the console, summary.md and results.json', () => {
    const lines = readFileSync(tape, 'utf8').split('\n');
    const exchange = JSON.parse(lines[2]!) as { seq: number; body: string };
    const customer = (id: string) =>
      JSON.stringify({ ...exchange, seq: 0, body: JSON.stringify({ id, object: 'event', type: 'customer.created', created: 1773630200, data: { object: { id: 'cus_1', object: 'customer' } } }) });
    const exotic = join(dir, 'exotic.jsonl');
    const withSeq = (line: string, seq: number) => JSON.stringify({ ...(JSON.parse(line) as object), seq });
    writeFileSync(exotic, [lines[0], withSeq(lines[1]!, 1), withSeq(customer('evt_c1'), 2), withSeq(customer('evt_c2'), 3), withSeq(lines[2]!, 4), ''].join('\n'));
    const config = makeProject(join(dir, 'exotic'), {
      target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }",
      tape: exotic,
      faults: '[]',
    });
    const r = idemgate(['run', '--config', config, '--runs', '3', '--seed', '1', '--pglite']);
    expect(r.status, r.out).toBe(0);
    expect(r.out.match(/customer\.created/g), r.out).toHaveLength(1);
    expect(r.out).toContain('unmodelled (replayed with no expected effect or status): stripe event type customer.created');
    const reports = join(dir, 'exotic', 'reports');
    expect(readFileSync(join(reports, 'summary.md'), 'utf8')).toContain('Unmodelled (replayed with no expected effect or status): `stripe event type customer.created`.');
    const results = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as { summary: { unmodelled?: string[] }; results: { unmodelled?: string[] }[] };
    expect(results.summary.unmodelled).toEqual(['stripe event type customer.created']);
    expect(results.results[0]!.unmodelled).toEqual(['stripe event type customer.created']);
  });

  it('exits 2 and names the URL when the target is unreachable', () => {
    const config = makeProject(join(dir, 'down'), { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9' }" });
    const r = idemgate(['run', '--config', config, '--runs', '5', '--pglite']);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('http://127.0.0.1:9');
    // Never reached at all: unreachable, not a target that stopped answering mid-run.
    expect(r.out).toContain('TARGET_UNREACHABLE');
    expect(r.out).not.toMatch(/PASSED/);
  });

  it('exits 2 and names file and line for a malformed tape', () => {
    const bad = join(dir, 'bad.jsonl');
    const lines = readFileSync(tape, 'utf8').split('\n');
    lines[3] = '{"seq": 3, "provider": "stripe", "method": "POST"';
    writeFileSync(bad, lines.join('\n'));
    const config = makeProject(join(dir, 'badtape'), {
      target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }",
      tape: bad,
    });
    const r = idemgate(['run', '--config', config, '--runs', '5', '--pglite']);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain(`${bad}:4:`);
  });

  it('names an unknown provider with its tape file and seq before anything starts', () => {
    const lines = readFileSync(tape, 'utf8').split('\n');
    const bad = join(dir, 'unknown-provider.jsonl');
    writeFileSync(bad, [lines[0], lines[1]!.replace('"provider":"stripe"', '"provider":"stripee"'), ...lines.slice(2)].join('\n'));
    // Nothing listens at the target's URL: had the target been started first, this would be TARGET_UNHEALTHY.
    const config = makeProject(join(dir, 'unknown-provider'), { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9', healthPath: '/health' }", tape: bad });
    const r = idemgate(['run', '--config', config, '--runs', '2', '--pglite']);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain(`[PROVIDER_UNKNOWN] ${bad} seq 1: unknown provider "stripee"; did you mean stripe?`);
    expect(r.out).not.toContain('TARGET_UNHEALTHY');
  });

  it('exits 2 on an unknown scenario and on bad flags', () => {
    const config = makeProject(join(dir, 'usage'), { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9' }" });
    expect(idemgate(['run', '--config', config, '--scenario', 'nope']).out).toContain('unknown scenario nope');
    expect(idemgate(['run', '--config', config, '--runs', 'many']).status).toBe(2);
    expect(idemgate(['run', '--config', config, '--path', '1:2']).status).toBe(2);
  });
});

describe('idemgate gate (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'idemgate-gate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const naive = "{ kind: 'in-process', start: ({ database }) => startNaive(database) }";
  const results = (project: string): { database: string; summary: { scenarios: number }; results: { status: string }[]; signoff?: { seed: number; suiteHash: string; rerun: string; tapes: Record<string, string> } } =>
    JSON.parse(readFileSync(join(dir, project, 'reports', 'results.json'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(repo, 'harness/report/schema/results.schema.json'), 'utf8')) as object;
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

  it('exits 0 when every invariant holds, and a sign-off pins commit, seed and tape hashes', () => {
    const config = makeProject(join(dir, 'pass'), { target: naive, faults: '[]' });
    const r = idemgate(['gate', '--config', config, '--runs', '5', '--pglite', '--signoff']);
    expect(r.status, r.out).toBe(0);
    const doc = results('pass');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.results.map((x) => x.status)).toEqual(['passed']);
    expect(doc.signoff?.suiteHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Object.values(doc.signoff?.tapes ?? {})).toHaveLength(1);
    expect(doc.signoff?.rerun).toBe(`npx idemgate gate --signoff --seed ${doc.signoff?.seed} --runs 5`);
    // The same sign-off re-run gives the same suite hash.
    const again = idemgate(['gate', '--config', config, '--runs', '5', '--pglite', '--signoff', '--seed', String(doc.signoff?.seed)]);
    expect(again.status, again.out).toBe(0);
    expect(results('pass').signoff?.suiteHash).toBe(doc.signoff?.suiteHash);
  });

  it('exits 1 when an invariant breaks, with failing reports; --pglite runs on PGlite whatever DATABASE_URL says', () => {
    const config = makeProject(join(dir, 'fail'), { target: naive });
    // Nothing listens there: a run that opened DATABASE_URL despite --pglite would exit 2.
    const r = idemgate(['gate', '--config', config, '--runs', '30', '--seed', '7', '--pglite'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:9/unreachable' });
    expect(r.status, r.out).toBe(1);
    const doc = results('fail');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.database).toBe('pglite');
    expect(doc.results.map((x) => x.status)).toEqual(['failed']);
    expect(readFileSync(join(dir, 'fail', 'reports', 'junit.xml'), 'utf8')).toContain('<failure');
  });

  it('exits 2 when the harness cannot run, and the reports say errored, never green', () => {
    const config = makeProject(join(dir, 'down'), { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9', healthPath: '/health' }" });
    const r = idemgate(['gate', '--config', config, '--runs', '5', '--pglite']);
    expect(r.status, r.out).toBe(2);
    const doc = results('down');
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.results.map((x) => x.status)).toEqual(['errored']);
    expect(readFileSync(join(dir, 'down', 'reports', 'summary.md'), 'utf8')).not.toMatch(/PASSED/);
  });

  it('every exit 2 replaces an earlier green report with an errored one naming the cause', () => {
    const config = makeProject(join(dir, 'stale'), { target: naive, faults: '[]' });
    const verdict = (): { verdict: string; cause: string } => {
      const doc = results('stale') as unknown as { summary: { verdict: string }; results: { error?: { message: string } }[] };
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      return { verdict: doc.summary.verdict, cause: doc.results[0]?.error?.message ?? '' };
    };
    const green = (): void => {
      const r = idemgate(['gate', '--config', config, '--runs', '3', '--pglite']);
      expect(r.status, r.out).toBe(0);
      expect(verdict().verdict).toBe('passed');
    };
    green();
    const unknown = idemgate(['gate', '--config', config, '--scenario', 'naive-strip', '--pglite']);
    expect(unknown.status, unknown.out).toBe(2);
    expect(verdict()).toEqual({ verdict: 'errored', cause: expect.stringContaining('unknown scenario naive-strip') as string });
    expect(readFileSync(join(dir, 'stale', 'reports', 'junit.xml'), 'utf8')).toContain('<error');

    green();
    const text = readFileSync(config, 'utf8');
    writeFileSync(config, text.replace('export default defineConfig({', 'export default defineConfig({{'));
    const broken = idemgate(['gate', '--config', config, '--pglite']);
    writeFileSync(config, text);
    expect(broken.status, broken.out).toBe(2);
    expect(verdict()).toEqual({ verdict: 'errored', cause: expect.stringContaining('cannot load') as string });

    green();
    const bad = idemgate(['gate', '--config', config, '--runs', 'many']);
    expect(bad.status, bad.out).toBe(2);
    expect(verdict().verdict).toBe('errored');

    // --reports naming a file: a clear message at once, no stack trace.
    writeFileSync(join(dir, 'stale', 'a-file'), 'x');
    const file = idemgate(['gate', '--config', config, '--pglite', '--reports', join(dir, 'stale', 'a-file')]);
    expect(file.status, file.out).toBe(2);
    expect(file.out).toContain('is a file: pass --reports with a folder');
    expect(file.out).not.toMatch(/EEXIST|\n\s+at /);
  });

  it('exits 2 when nothing ran', () => {
    const config = makeProject(join(dir, 'empty'), { target: naive });
    rmSync(join(dir, 'empty', 'scenarios', 'naive.test.ts'));
    const r = idemgate(['gate', '--config', config, '--pglite']);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('NOTHING RAN');
  });
});

describe('idemgate gate --mutate (CLI)', () => {
  // Inside the repository so the service copy finds node_modules (pg) the way a user's would.
  const base = join(repo, '.idemgate-tmp');
  let dir: string;
  beforeAll(() => {
    mkdirSync(base, { recursive: true });
    dir = mkdtempSync(join(base, 'gate-mutate-'));
  });
  afterAll(() => { if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true }); });

  it('runs the scenarios, then the mutation matrix, and exits 0 when every guard is caught', () => {
    // A tiny service in plain JavaScript with one marked guard: event dedupe in its own table.
    makeMutationProject(
      dir,
      `import { createServer } from 'node:http';
import pg from 'pg';
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
await pool.query('create table if not exists seen (id text primary key)');
await pool.query('create table if not exists journal (batch text, acct text, amt bigint, ccy text, ref text)');
createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const e = JSON.parse(Buffer.concat(chunks).toString());
    const o = e.data.object;
    // idemgate-guard: event-dedupe
    const first = await pool.query('insert into seen values ($1) on conflict do nothing returning id', [e.id]);
    if (first.rowCount === 0) return res.end('{}');
    // idemgate-guard-end
    const post = async (ref, amt) => {
      await pool.query("insert into journal values ($1, 'cash', $2, 'MYR', $3), ($1, 'revenue', $4, 'MYR', $3)", [e.id, amt, ref, -amt]);
    };
    if (e.type === 'payment_intent.succeeded') await post(o.id, o.amount_received);
    // A refund.updated whose previous_attributes lack "status" (a metadata edit) moves no money.
    const statusChanged = !e.data.previous_attributes || 'status' in e.data.previous_attributes;
    if (e.type.startsWith('refund.') && o.status === 'succeeded' && statusChanged) await post(o.id, -o.amount);
    res.end('{}');
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
    );
    const r = idemgate(['gate', '--mutate', '--config', join(dir, 'idemgate.config.ts'), '--seed', '3', '--pglite']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/event-dedupe\s+marked\s+server\.mjs:\d+\s+killed\s+credited-amount/);
    const matrix = JSON.parse(readFileSync(join(dir, 'reports', 'mutation.json'), 'utf8')) as { mutants: { id: string; status: string }[] };
    expect(matrix.mutants.map((m) => [m.id, m.status])).toEqual([['event-dedupe', 'killed']]);
  });
});

describe('a service with no money ledger (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'idemgate-noledger-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const naive = "{ kind: 'in-process', start: ({ database }) => startNaive(database) }";
  const MONEY = [
    'balanced-transactions',
    'exactly-once-effect',
    'credited-amount',
    'no-effect-from-unsettled',
    'ledger-matches-clean-replay',
  ];

  it('shows the money invariants as not applicable in the console, results.json, summary.md, index.html and junit.xml', () => {
    const config = makeProject(join(dir, 'plain'), { target: naive, faults: '[]', ledger: false });
    const r = idemgate(['run', '--config', config, '--runs', '3', '--seed', '1', '--pglite']);
    // deliveries-acknowledged judged every delivery: the run passes on what it could check.
    expect(r.status, r.out).toBe(0);
    for (const name of MONEY) expect(r.out).toContain(`not applicable: ${name} (no ledger mapping in the config)`);
    for (const name of ['final-status', 'no-resurrection']) expect(r.out).toContain(`not applicable: ${name} (no entity mapping in the config)`);
    expect(r.out).not.toContain('not applicable: deliveries-acknowledged');

    const reports = join(dir, 'plain', 'reports');
    const doc = JSON.parse(readFileSync(join(reports, 'results.json'), 'utf8')) as {
      summary: { verdict: string; invariantsNotApplicable: number };
      results: { notApplicable: { invariant: string; reason: string }[] }[];
    };
    const schema = JSON.parse(readFileSync(join(repo, 'harness/report/schema/results.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.summary).toMatchObject({ verdict: 'passed', invariantsNotApplicable: 7 });
    expect(doc.results[0]!.notApplicable.map((n) => n.invariant).sort()).toEqual([...MONEY, 'final-status', 'no-resurrection'].sort());

    const junit = readFileSync(join(reports, 'junit.xml'), 'utf8');
    for (const name of MONEY)
      expect(junit).toMatch(
        new RegExp(
          `<testcase name="${name}"[^>]*>\\s*<skipped message="not applicable: no ledger mapping in the config"/>`,
        ),
      );
    expect(junit).toMatch(/<testcase name="deliveries-acknowledged"[^>]*\/>/);
    expect(readFileSync(join(reports, 'summary.md'), 'utf8')).toContain(
      'Not applicable in naive-stripe: `balanced-transactions` (no ledger mapping in the config)',
    );
    expect(readFileSync(join(reports, 'index.html'), 'utf8')).toContain(
      '<li><code>exactly-once-effect</code>: no ledger mapping in the config</li>',
    );
  });

  it('exits 2 saying nothing was checked when every invariant of the run was not applicable', () => {
    const scenarios = `import { balancedTransactions, defineScenario, exactlyOnceEffect } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
export const money = defineScenario({ name: 'money-only', tapes: [${JSON.stringify(tape)}], faults: [], runs: 3, invariants: [balancedTransactions, exactlyOnceEffect] });
`;
    const config = makeProject(join(dir, 'nothing'), { target: naive, ledger: false, scenarios });
    const r = idemgate(['gate', '--config', config, '--pglite']);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('NOTHING CHECKED');
    expect(r.out).toContain('nothing was checked');
    expect(readFileSync(join(dir, 'nothing', 'reports', 'summary.md'), 'utf8')).toMatch(
      /^## idemgate: ⚠️ NOTHING CHECKED/,
    );
  });
});

describe('CLI manners', () => {
  it('bare idemgate prints the overview of the commands and exits 0 without running anything', () => {
    const r = idemgate([]);
    expect(r.status, r.out).toBe(0);
    for (const command of ['run', 'gate', 'list', 'mutate', 'merge-reports', 'init', 'fpx-file']) expect(r.out).toMatch(new RegExp(`^  ${command}\\s`, 'm'));
    expect(r.out).not.toContain('scenario(s)');
  });

  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-v']) {
      const r = idemgate([flag]);
      expect(r.status, r.out).toBe(0);
      expect(r.out.trim()).toBe(version);
    }
  });

  it('each command has its own --help listing its own flags', () => {
    const help = (args: string[]): string => {
      const r = idemgate(args);
      expect(r.status, r.out).toBe(0);
      return r.out;
    };
    const run = help(['run', '--help']);
    expect(run).toMatch(/^idemgate run —/);
    expect(run).toContain('--workers N');
    expect(run).not.toContain('--mutate');
    expect(help(['gate', '--help'])).toMatch(/^idemgate gate —[\s\S]*--mutate[\s\S]*--signoff[\s\S]*--workers N/);
    expect(help(['list', '-h'])).toMatch(/^idemgate list —[\s\S]*--shard I\/N/);
    expect(help(['help', 'run'])).toBe(run);
    expect(help(['mutate', '--help'])).toContain('--timeout-kills');
    expect(help(['init', '--help'])).toContain('--shards N');
    expect(help(['fpx-file', '--help'])).toContain('--shape regular|holiday');
    expect(help(['merge-reports', '--help'])).toMatch(/^idemgate merge-reports DIR/);
  });

  it('suggests the closest command, flag or scenario and exits 2', () => {
    const command = idemgate(['rnu']);
    expect(command.status, command.out).toBe(2);
    expect(command.out).toContain('unknown command "rnu"; did you mean run?');
    const flag = idemgate(['run', '--runz', '5']);
    expect(flag.status, flag.out).toBe(2);
    expect(flag.out).toContain('unknown option --runz for idemgate run; did you mean --runs?');
    expect(idemgate(['mutate', '--job', '2']).out).toContain('did you mean --jobs?');
    expect(idemgate(['init', '--forse']).out).toContain('did you mean --force?');
    expect(idemgate(['run', '--mutate']).out).toContain('--mutate belongs to idemgate gate');
    const none = idemgate(['deploy']);
    expect(none.status).toBe(2);
    expect(none.out).not.toContain('did you mean');
  });

  it('suggests the closest scenario name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'idemgate-manners-'));
    try {
      const config = makeProject(dir, { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9' }" });
      const r = idemgate(['run', '--config', config, '--scenario', 'naive-strip']);
      expect(r.status, r.out).toBe(2);
      expect(r.out).toContain('unknown scenario naive-strip (did you mean naive-stripe?); known: naive-stripe');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
