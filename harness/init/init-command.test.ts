/**
 * `idemgate init` end to end: on a copy of the reference service it writes a config that runs
 * green (the service as a child process on PGlite); on a service without any schema it
 * writes a skeleton with TODOs; it never overwrites without --force.
 */
import { spawn } from 'node:child_process';
import { createSign, createVerify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initCommand } from '../cli/init.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function runInit(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await initCommand(argv);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

function runCli(args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' };
  delete env.DATABASE_URL;
  delete env.VITEST; // the CLI imports the scenario file; scenarioTest must not register a vitest test there
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'harness/cli/bin.js'), ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const syntaxErrors = (file: string): string[] =>
  (ts.transpileModule(readFileSync(file, 'utf8'), { reportDiagnostics: true, fileName: file }).diagnostics ?? []).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );

describe('idemgate init', () => {
  it('on a copy of the reference service writes a config that passes', { timeout: 90_000 }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'idemgate-init-'));
    temps.push(root);
    const dir = join(root, 'merchant-service');
    await cp(join(REPO, 'fixtures/merchant-service'), dir, {
      recursive: true,
      filter: (src) => !/[/\\](node_modules|reports)$/.test(src),
    });
    await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    // Written from an empty config: none of these exist before.
    expect(existsSync(join(dir, 'idemgate.config.ts'))).toBe(false);

    const first = await runInit(['--dir', dir]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/ledger\s+ledger_entries/);
    expect(first.out).toMatch(/start\s+node --import tsx src\/main\.ts/);

    const config = readFileSync(join(dir, 'idemgate.config.ts'), 'utf8');
    expect(syntaxErrors(join(dir, 'idemgate.config.ts'))).toEqual([]);
    expect(config).toContain("args: ['--import', 'tsx', 'src/main.ts']");
    expect(config).toContain("stripe: '/webhooks/stripe'");
    expect(config).toContain("table: 'ledger_entries'");
    // The service verifies pushes over SHOPEE_CALLBACK_URL: the config gives it one and signs over it.
    expect(config).toContain("callbackUrl: process.env.SHOPEE_CALLBACK_URL ?? 'https://merchant.example.com/webhooks/shopee'");
    expect(config).toMatch(/SHOPEE_CALLBACK_URL: secrets\.shopee\.callbackUrl/);
    expect(config).toContain(`from '${join(REPO, 'harness/index.ts')}'`);
    const scenario = join(dir, 'scenarios/idemgate-shopee-fpx-stripe.test.ts');
    expect(readFileSync(scenario, 'utf8')).toContain(`from '${join(REPO, 'harness/vitest.ts')}'`);
    for (const p of ['shopee', 'fpx', 'stripe']) {
      expect(readFileSync(join(dir, `idemgate/tapes/${p}.jsonl`), 'utf8')).toBe(readFileSync(join(REPO, `fixtures/tapes/${p}.jsonl`), 'utf8'));
    }
    const workflow = readFileSync(join(dir, '.github/workflows/idemgate.yml'), 'utf8');
    expect(workflow).toMatch(/node-version: 20[\s\S]*npm ci[\s\S]*npx idemgate gate[\s\S]*upload-artifact[\s\S]*path: reports\//);
    expect(workflow).toMatch(/image: postgres[\s\S]*DATABASE_URL: postgres:\/\//);
    // The generated FPX key pair is a working RSA pair (the harness signs, the service verifies).
    const signer = createSign('sha1').update('probe');
    const signature = signer.sign(readFileSync(join(dir, 'idemgate/keys/fpx-test-private.pem'), 'utf8'));
    expect(createVerify('sha1').update('probe').verify(readFileSync(join(dir, 'idemgate/keys/fpx-test-public.pem'), 'utf8'), signature)).toBe(true);

    // A second init refuses to overwrite and names the files.
    const again = await runInit(['--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.err).toContain(join(dir, 'idemgate.config.ts'));
    expect(again.err).toContain('--force');

    const run = await runCli(['run', '--config', join(dir, 'idemgate.config.ts'), '--runs', '10', '--pglite'], root);
    expect(run.code, run.output).toBe(0);
    const results = JSON.parse(readFileSync(join(dir, 'reports/results.json'), 'utf8')) as {
      summary: { scenarios: number; passed: number };
      results: { scenario: string; status: string; schedules: number }[];
    };
    expect(results.summary.scenarios).toBeGreaterThan(0);
    expect(results.summary.passed).toBe(results.summary.scenarios);
    expect(results.results.map((r) => [r.scenario, r.status])).toEqual([['idemgate-shopee-fpx-stripe', 'passed']]);
    expect(results.results[0]!.schedules).toBeGreaterThanOrEqual(10);
  });

  it('without any schema writes a mapping skeleton with TODOs and says it must be filled in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idemgate-init-bare-'));
    temps.push(dir);
    await mkdir(join(dir, 'src'));
    await mkdir(join(dir, 'node_modules/idemgate'), { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'shop', scripts: { start: 'node src/server.js' } }));
    await writeFile(
      join(dir, 'src/server.js'),
      [
        "const secret = process.env.STRIPE_SIGNING_SECRET;",
        "const sentry = process.env.SENTRY_DSN;",
        "app.post('/hooks/stripe', handler);",
        "app.get('/status', (req, res) => res.end());",
        'app.listen(8080);',
      ].join('\n'),
    );
    await writeFile(join(dir, '.gitignore'), 'node_modules');
    const result = await runInit(['--dir', dir]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^node_modules\n# idemgate's reports.*\nreports\/\n$/);
    expect(result.out).toContain('The ledger mapping in idemgate.config.ts is a skeleton: fill it in');
    expect(result.out).toContain('env SENTRY_DSN (read at src/server.js:2)');
    const config = readFileSync(join(dir, 'idemgate.config.ts'), 'utf8');
    expect(syntaxErrors(join(dir, 'idemgate.config.ts'))).toEqual([]);
    expect(config).toContain("from 'idemgate'");
    expect(config).toContain("table: 'TODO_ledger_table'");
    expect(config).toContain('TODO: no schema was found (looked for a Drizzle schema, SQL migrations, a Prisma schema, Knex and Kysely migrations)');
    expect(result.out).toContain('no schema found (looked for Drizzle, SQL migrations, Prisma, Knex, Kysely)');
    expect(config).toContain("STRIPE_SIGNING_SECRET: secrets.stripe.endpointSecret");
    expect(config).toContain("healthPath: '/status'");
    expect(config).toContain("args: ['src/server.js']");
    expect(config).toContain('port: 8080, // TODO: listen(8080) at src/server.js:5');
    expect(config).toMatch(/TODO: the service reads these[\s\S]*SENTRY_DSN \(src\/server\.js:2\)/);
    expect(readFileSync(join(dir, 'scenarios/idemgate-stripe.test.ts'), 'utf8')).toContain("from 'idemgate/vitest'");
    // No FPX route: no keys, no FPX tape.
    expect(existsSync(join(dir, 'idemgate/keys'))).toBe(false);
    expect(existsSync(join(dir, 'idemgate/tapes/fpx.jsonl'))).toBe(false);

    await writeFile(join(dir, 'idemgate.config.ts'), '// mine\n');
    expect((await runInit(['--dir', dir])).code).toBe(2);
    expect(readFileSync(join(dir, 'idemgate.config.ts'), 'utf8')).toBe('// mine\n');
    expect((await runInit(['--dir', dir, '--force'])).code).toBe(0);
    expect(readFileSync(join(dir, 'idemgate.config.ts'), 'utf8')).toContain('defineConfig');
    // reports/ is ignored once, however often init runs; no lockfile: the workflow uses npm.
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').match(/^reports\/$/gm)).toEqual(['reports/']);
    expect(readFileSync(join(dir, '.github/workflows/idemgate.yml'), 'utf8')).toContain('npm ci');
  });
});
