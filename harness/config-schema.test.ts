import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateConfig } from './config-schema.ts';
import { defineConfig, type IdemgateConfig } from './config.ts';
import { isIdemgateError } from './errors.ts';
import { loadConfig } from './runner/load.ts';

const repo = resolve(import.meta.dirname, '..');
const FILE = '/project/idemgate.config.ts';

const ledger = {
  table: 'journal',
  columns: { txnId: 'batch', account: 'acct', amount: 'amt', currency: 'ccy', reference: 'ref' },
  cashAccounts: ['cash'],
};
const valid = defineConfig({
  target: { start: { kind: 'url', baseUrl: 'http://127.0.0.1:3000' } },
  providers: { stripe: { endpointSecret: 'whsec_x' } },
  ledger,
});

function invalid(config: unknown): { message: string; details: { file?: string; path?: string } } {
  try {
    validateConfig(config, FILE);
  } catch (e) {
    if (isIdemgateError(e, 'CONFIG_INVALID')) return { message: e.message, details: e.details };
    throw e;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('validateConfig', () => {
  it("a command target needs healthPath unless it is ready: 'port'", () => {
    const command = { kind: 'command', command: 'svc' } as const;
    expect(validateConfig({ ...valid, target: { start: { ...command, ready: 'port' } } }, FILE).target.start).toMatchObject({ ready: 'port' });
    expect(invalid({ ...valid, target: { start: command } }).details.path).toBe('target.start.healthPath');
  });

  it('takes target stores and quiescence probes, and names a store that would reset nothing or everything', () => {
    const target = {
      ...valid.target,
      stores: [
        { kind: 'redis', url: 'redis://127.0.0.1:6379/2', prefix: 'qs:', queues: ['payments'], queuePrefix: 'qs:bull' },
        { kind: 'http', url: '/test/reset' },
      ],
      quiescence: { probes: [{ kind: 'queues' }, { kind: 'sql', query: 'select true' }, { kind: 'http', url: '/idle' }, { kind: 'function', check: async () => true }], timeoutMs: 5000 },
    };
    expect(validateConfig({ ...valid, target }, FILE).target.stores).toHaveLength(2);
    expect(invalid({ ...valid, target: { ...target, stores: [{ kind: 'redis', url: 'redis://h/0', prefix: '' }] } }).message).toMatch(/target\.stores\.0\.prefix.*never deletes a whole Redis database/);
    expect(invalid({ ...valid, target: { ...target, stores: [{ kind: 'redis', url: 'redis://h/0' }] } }).message).toMatch(/needs a key prefix, queues, or both/);
    expect(invalid({ ...valid, target: { ...target, stores: [{ kind: 'redis', url: 'http://h/0', prefix: 'x' }] } }).message).toMatch(/target\.stores\.0\.url.*redis:\/\//);
    const noQueues = invalid({ ...valid, target: { ...target, stores: [{ kind: 'http', url: '/reset' }] } });
    expect(noQueues.message).toMatch(/'queues' quiescence probe needs a Redis store/);
    expect(noQueues.details.path).toBe('target.quiescence.probes');
    expect(invalid({ ...valid, target: { ...target, quiescence: { probes: [] } } }).message).toMatch(/target\.quiescence\.probes.*at least one probe/);
  });

  it('takes target.workers (a command and a count) and names a bad count or ready pattern', () => {
    const workers = { start: { kind: 'command', command: 'node', args: ['worker.js'], env: { DATABASE_URL: '{databaseUrl}' }, readyPattern: 'ready$' }, count: 2 };
    expect(validateConfig({ ...valid, target: { ...valid.target, workers } }, FILE).target.workers).toMatchObject({ count: 2 });
    expect(invalid({ ...valid, target: { ...valid.target, workers: { ...workers, count: 0 } } }).message).toMatch(/target\.workers\.count.*at least 1/);
    expect(invalid({ ...valid, target: { ...valid.target, workers: { ...workers, start: { ...workers.start, readyPattern: '(' } } } }).message).toMatch(
      /target\.workers\.start\.readyPattern.*valid regular expression/,
    );
    expect(invalid({ ...valid, target: { ...valid.target, workers: { start: { kind: 'command' } } } }).details.path).toBe('target.workers.start.command');
  });

  it('accepts a valid config and keeps its functions', () => {
    const start = async () => ({ baseUrl: 'http://127.0.0.1:1', stop: async () => {} });
    const migrate = async () => {};
    const config: IdemgateConfig = { ...valid, target: { start: { kind: 'in-process', start } }, database: { migrate } };

    const checked = validateConfig(config, FILE);

    expect(checked).toEqual(config);
    expect(checked.target.start.kind === 'in-process' && checked.target.start.start).toBe(start);
    expect(checked.database?.migrate).toBe(migrate);
  });

  it("keeps a client API's forgedHeaders (parsed output is what the run uses) and names a value that is not a string", () => {
    const route = { name: 'payment', path: '/v1/payments', effect: { reference: 'body.id', amount: 'body.amount', direction: 'in' as const } };
    const config: IdemgateConfig = { ...valid, clientApis: { payments: { routes: [route], forgedHeaders: { 'X-User-Id': 'admin' } } } };
    expect(validateConfig(config, FILE).clientApis?.payments?.forgedHeaders).toEqual({ 'X-User-Id': 'admin' });
    const bad = invalid({ ...valid, clientApis: { payments: { routes: [route], forgedHeaders: { 'X-User-Id': 1 } } } });
    expect(bad.details.path).toBe('clientApis.payments.forgedHeaders.X-User-Id');
  });

  it('accepts a config with no ledger mapping (a service without a money ledger)', () => {
    const { ledger: _, ...noLedger } = valid;
    expect(validateConfig(noLedger, FILE).ledger).toBeUndefined();
  });

  it('names the file and the field path of a missing ledger column', () => {
    const { txnId: _, ...columns } = ledger.columns;
    const e = invalid({ ...valid, ledger: { ...ledger, columns } });
    expect(e.message).toBe(`${FILE}: ledger.columns.txnId is missing`);
    expect(e.details).toEqual({ file: FILE, path: 'ledger.columns.txnId' });
  });

  it('uses the ledger mapping rules (table or sql, amount or debit/credit)', () => {
    expect(invalid({ ...valid, ledger: { ...ledger, sql: 'select 1' } }).message).toBe(
      `${FILE}: ledger: give exactly one of \`table\` or \`sql\``,
    );
    expect(invalid({ ...valid, ledger: { ...ledger, columns: { ...ledger.columns, debit: 'dr' } } }).message).toContain(
      'ledger: give either columns.amount or columns.debit + columns.credit, not both',
    );
  });

  it('wants functions where the config takes functions', () => {
    expect(invalid({ ...valid, target: { start: { kind: 'in-process', start: 'node app.js' } } }).message).toMatch(
      /target\.start\.start: must be a function/,
    );
    expect(invalid({ ...valid, database: { migrate: 'migrations/' } }).details.path).toBe('database.migrate');
    expect(invalid({ ...valid, mutation: { root: 'src' } }).message).toMatch(/mutation\.start: must be a function \(copyDir\) => TargetStart/);
  });

  it('rejects an unknown target kind and an unknown mutation operator', () => {
    expect(invalid({ ...valid, target: { start: { kind: 'docker' } } }).message).toContain('target.start');
    const e = invalid({ ...valid, mutation: { root: 'src', start: () => valid.target.start, operators: ['marked', 'nope'] } });
    expect(e.details.path).toBe('mutation.operators.1');
  });

  it('takes mutation.allowRemovedGuards as a list of guard names', () => {
    const mutation = { root: 'src', start: () => valid.target.start, allowRemovedGuards: ['event-dedupe'] };
    expect(validateConfig({ ...valid, mutation }, FILE).mutation?.allowRemovedGuards).toEqual(['event-dedupe']);
    expect(invalid({ ...valid, mutation: { ...mutation, allowRemovedGuards: 'event-dedupe' } }).details.path).toBe('mutation.allowRemovedGuards');
  });

  it('takes providerSettings (strict, effects) and names a wrong one', () => {
    const settings = { stripe: { strict: true, effects: { refunds: 'charge.refunded-delta' } } };
    expect(validateConfig({ ...valid, providerSettings: settings }, FILE).providerSettings).toEqual(settings);
    expect(invalid({ ...valid, providerSettings: { stripe: { strict: 'yes' } } }).details.path).toBe('providerSettings.stripe.strict');
    expect(invalid({ ...valid, providerSettings: { stripe: { effect: {} } } }).message).toContain('providerSettings.stripe');
  });

  it('takes providerSettings.<name>.retry (a redelivery back-off and its time scale) and names a wrong one', () => {
    const settings = { billplz: { retry: { attempts: 4, baseMs: 15_000, factor: 60, maxMs: 86_400_000, jitter: 0.2, timeScale: 0.0001 } } };
    expect(validateConfig({ ...valid, providerSettings: settings }, FILE).providerSettings).toEqual(settings);
    expect(invalid({ ...valid, providerSettings: { stripe: { retry: { factor: 2 } } } }).details.path).toBe('providerSettings.stripe.retry.baseMs');
    expect(invalid({ ...valid, providerSettings: { stripe: { retry: { baseMs: 10, timeScale: -1 } } } }).details.path).toBe('providerSettings.stripe.retry.timeScale');
  });

  it('takes clientApis.<name>.keyTtlMs and route templates, and names a wrong one', () => {
    const route = {
      name: 'payment',
      path: '/v1/payments',
      effect: { reference: 'body.id', amount: 'body.amount', direction: 'in' as const },
      template: { body: { id: '{reference}', amount: '{amount}' }, amount: { min: 100, max: 900 } },
    };
    const clientApis = { payments: { routes: [route], keyTtlMs: 1500 } };
    expect(validateConfig({ ...valid, clientApis }, FILE).clientApis).toEqual(clientApis);
    expect(invalid({ ...valid, clientApis: { payments: { routes: [route], keyTtlMs: 0 } } }).details.path).toBe('clientApis.payments.keyTtlMs');
    expect(invalid({ ...valid, clientApis: { payments: { routes: [{ ...route, template: { body: 'x' } }] } } }).details.path).toBe('clientApis.payments.routes.0.template.body');
  });

  it('lists every problem at once', () => {
    const e = invalid({ target: valid.target, ledger: { ...valid.ledger, cashAccounts: [] } });
    expect(e.message).toContain('providers:');
    expect(e.message).toContain("ledger.cashAccounts must name at least one account");
  });

  it('wants an object', () => {
    expect(invalid(undefined).message).toBe(`${FILE} must \`export default defineConfig({ target, providers, ledger, … })\``);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idemgate-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("validates the file's default export, naming the file", async () => {
    const file = join(dir, 'idemgate.config.mjs');
    writeFileSync(file, `export default { target: { start: { kind: 'url', baseUrl: 'http://127.0.0.1:9' } }, providers: {}, ledger: { table: 'j', columns: {}, cashAccounts: ['c'] } };\n`);

    await expect(loadConfig(file, 'native')).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining(`${file}: ledger.columns.txnId is missing`),
      details: { file, path: 'ledger.columns.txnId' },
    });
  });

  it("accepts the repository's own config", async () => {
    const { config, rootDir } = await loadConfig(join(repo, 'idemgate.config.ts'), 'native');
    expect(rootDir).toBe(repo);
    expect(config.ledger?.cashAccounts.length).toBeGreaterThan(0);
  });
});
