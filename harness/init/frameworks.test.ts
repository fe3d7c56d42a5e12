/**
 * `idemgate init` on a small service in each framework style (harness/init/testdata/<style>,
 * read by init, never run): the config it writes names the webhook route, maps every env var the
 * service reads (through aliases, destructuring, zod, a config module), starts the service the way
 * that works (built output after the build, Next.js on the harness's port), waits for a health
 * route or for the port, wires the FPX public key, and lists as TODO only what it could not infer.
 * Each written config loads and passes the config schema.
 */
import { cp, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initCommand } from '../cli/init.ts';
import { validateConfig } from '../config-schema.ts';

const TESTDATA = join(import.meta.dirname, 'testdata');
const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

interface Written {
  config: string;
  workflow: string;
  out: string;
  todos: string[];
  /** The config as the CLI would load it, after the schema check. */
  loaded: ReturnType<typeof validateConfig>;
}

async function initIn(dir: string): Promise<Written> {
  const out: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  let code: number;
  try {
    code = await initCommand(['--dir', dir]);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
  expect(code, out.join('\n')).toBe(0);
  const text = out.join('\n');
  const file = join(dir, 'idemgate.config.ts');
  const mod = (await import(pathToFileURL(file).href)) as { default: unknown };
  return {
    config: readFileSync(file, 'utf8'),
    workflow: readFileSync(join(dir, '.github/workflows/idemgate.yml'), 'utf8'),
    out: text,
    todos: [...text.matchAll(/^ {2}- (.*)$/gm)].map((m) => m[1]!),
    loaded: validateConfig(mod.default, file),
  };
}

async function initStyle(style: string): Promise<Written> {
  const root = await mkdtemp(join(tmpdir(), `idemgate-init-${style}-`));
  temps.push(root);
  const dir = join(root, style);
  await cp(join(TESTDATA, style), dir, { recursive: true });
  return initIn(dir);
}

/** What every fixture leaves to the user: it has no migrations and no schema (a ledger is not part of these styles). */
const NO_SCHEMA_TODOS = [
  'database.migrate: no migration call found; create the tables on start or set migrate',
  'ledger mapping: no schema found (looked for Drizzle, SQL migrations, Prisma, Knex, Kysely); fill in the ledger table and columns',
];

type Start = { kind: 'command'; args?: string[]; healthPath?: string; ready?: string; env?: Record<string, string>; startTimeoutMs?: number };
const startOf = (w: Written): Start => w.loaded.target.start as Start;

describe('idemgate init per framework style', () => {
  it('Express: a router mounted from another module, env through an alias, /healthz', async () => {
    const w = await initStyle('express');
    expect(w.loaded.target.endpoints).toEqual({ stripe: '/webhooks/stripe' });
    expect(startOf(w)).toMatchObject({ args: ['--import', 'tsx', 'src/server.ts'], healthPath: '/healthz' });
    expect(startOf(w).env).toEqual({ PORT: '{port}', HOST: '127.0.0.1', DATABASE_URL: '{databaseUrl}', STRIPE_WEBHOOK_SECRET: 'whsec_test_idemgate' });
    expect(w.config).toContain('STRIPE_WEBHOOK_SECRET: secrets.stripe.endpointSecret, // src/webhooks.ts:');
    expect(w.workflow).not.toContain('run build');
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('Fastify: fastify.route in a plugin registered with a prefix, destructuring, no health route, built output, FPX key file', async () => {
    const w = await initStyle('fastify');
    expect(w.loaded.target.endpoints).toEqual({ fpx: '/payments/fpx/callback' });
    expect(startOf(w)).toMatchObject({ args: ['dist/server.js'], ready: 'port' });
    expect(startOf(w).healthPath).toBeUndefined();
    expect(w.config).toContain('No health route found in the source: the service counts as started once its port accepts');
    // The service reads the key from a file: it gets the path of the generated public key.
    expect(startOf(w).env?.FPX_PUBLIC_KEY_FILE).toMatch(/idemgate\/keys\/fpx-test-public\.pem$/);
    expect(readFileSync(startOf(w).env!.FPX_PUBLIC_KEY_FILE!, 'utf8')).toContain('BEGIN PUBLIC KEY');
    expect(w.config).toContain('Runs build output: the build script (scripts.build: "tsc") must run first.');
    expect(w.workflow).toMatch(/npm ci\n\s+- run: npm run build/);
    expect(w.out).toMatch(/build\s+npm run build first/);
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('Koa: koa-router with a prefix, env from node:process', async () => {
    const w = await initStyle('koa');
    expect(w.loaded.target.endpoints).toEqual({ stripe: '/hooks/stripe' });
    expect(startOf(w)).toMatchObject({ healthPath: '/health' });
    expect(startOf(w).env).toMatchObject({ PORT: '{port}', DATABASE_URL: '{databaseUrl}', STRIPE_ENDPOINT_SECRET: 'whsec_test_idemgate' });
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('Hono: basePath, a zod env schema in its own module (defaults kept apart)', async () => {
    const w = await initStyle('hono');
    expect(w.loaded.target.endpoints).toEqual({ stripe: '/api/webhooks/stripe' });
    expect(startOf(w)).toMatchObject({ healthPath: '/api/health' });
    expect(startOf(w).env).toEqual({ PORT: '{port}', DATABASE_URL: '{databaseUrl}', STRIPE_WEBHOOK_SECRET: 'whsec_test_idemgate' });
    expect(w.config).toContain('Read with a default in the code, left unset: LOG_LEVEL.');
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('NestJS: @Controller + @Post under the global prefix, ConfigService, nest start after nest build, FPX key PEM', async () => {
    const w = await initStyle('nestjs');
    expect(w.loaded.target.endpoints).toEqual({ fpx: '/api/payments/fpx/direct-ac' });
    expect(startOf(w)).toMatchObject({ args: ['dist/main.js'], healthPath: '/api/health' });
    expect(w.config).toContain('FPX_PUBLIC_KEY_PEM: secrets.fpx.publicKeyPem,');
    expect(startOf(w).env?.FPX_PUBLIC_KEY_PEM).toContain('BEGIN PUBLIC KEY');
    expect(startOf(w).env).toMatchObject({ PORT: '{port}', DATABASE_URL: '{databaseUrl}' });
    expect(w.workflow).toContain('npm run build');
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('Next.js App Router: src/app route file in a route group, zod env, no health route, next start on the harness port', async () => {
    const w = await initStyle('next-app');
    expect(w.loaded.target.endpoints).toEqual({ stripe: '/api/webhooks/stripe' });
    expect(startOf(w)).toMatchObject({ args: ['node_modules/next/dist/bin/next', 'start', '-p', '{port}'], ready: 'port' });
    expect(startOf(w).env).toEqual({ DATABASE_URL: '{databaseUrl}', STRIPE_WEBHOOK_SECRET: 'whsec_test_idemgate', STRIPE_SECRET_KEY: expect.any(String) });
    expect(w.config).toContain('STRIPE_SECRET_KEY: secrets.stripe.secretKey');
    // Next takes the port as -p {port}: no "reads no PORT" TODO.
    expect(w.config).not.toContain('reads no PORT');
    expect(w.workflow).toContain('npm run build');
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('Next.js Pages Router: pages/api file routes, destructuring in lib/config.ts, FPX key PEM', async () => {
    const w = await initStyle('next-pages');
    expect(w.loaded.target.endpoints).toEqual({ fpx: '/api/webhooks/fpx' });
    expect(startOf(w)).toMatchObject({ args: ['node_modules/next/dist/bin/next', 'start', '-p', '{port}'], healthPath: '/api/health' });
    expect(w.config).toContain('FPX_PUBLIC_KEY: secrets.fpx.publicKeyPem,');
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('node:http: a switch on the pathname, env through a config module that exports process.env', async () => {
    const w = await initStyle('node-http');
    expect(w.loaded.target.endpoints).toEqual({ stripe: '/webhooks/stripe' });
    expect(startOf(w)).toMatchObject({ args: ['src/server.js'], healthPath: '/ping' });
    expect(startOf(w).env).toEqual({ PORT: '{port}', STRIPE_WEBHOOK_SECRET: 'whsec_test_idemgate', DATABASE_URL: '{databaseUrl}' });
    expect(w.todos).toEqual(NO_SCHEMA_TODOS);
  });

  it('an FPX service that reads no public key variable gets a TODO naming the key it must trust', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idemgate-init-fpx-nokey-'));
    temps.push(dir);
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'fpx-nokey', scripts: { start: 'node src/server.js' } }));
    await writeFile(
      join(dir, 'src/server.js'),
      "import http from 'node:http';\nconst { PORT, DATABASE_URL } = process.env;\nhttp.createServer((req, res) => { if (req.url === '/fpx/callback') res.end('OK'); }).listen(Number(PORT));\n",
    );
    const w = await initIn(dir);
    expect(w.loaded.target.endpoints).toEqual({ fpx: '/fpx/callback' });
    expect(w.todos).toContain('fpx public key: the service reads no FPX_*PUBLIC_KEY*/CERT variable; make it trust idemgate/keys/fpx-test-public.pem');
    expect(w.config).toContain('// TODO: the service reads no FPX public key variable');
    expect(startOf(w)).toMatchObject({ ready: 'port' });
  });
});
