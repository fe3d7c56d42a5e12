/**
 * `idemgate init` on small services that declare their schema without Drizzle (testdata/: raw SQL
 * migrations, Prisma, Knex, Kysely), each with its own table and column names: the config it
 * writes maps the ledger and entity tables, and the summary lists exactly what it could not infer.
 * Also the share of the ledger/entity mapping fields inferred per style (the reference service
 * stands for Drizzle).
 */
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { initCommand } from '../cli/init.ts';
import { inferProject, type ProjectInference } from './infer.ts';

const TESTDATA = fileURLToPath(new URL('./testdata/', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../fixtures/merchant-service/', import.meta.url));
const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function initCopy(style: string): Promise<{ code: number; out: string; err: string; config: string }> {
  const root = await mkdtemp(join(tmpdir(), `idemgate-init-${style}-`));
  temps.push(root);
  const dir = join(root, style);
  await cp(join(TESTDATA, style), dir, { recursive: true });
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await initCommand(['--dir', dir]);
    const configPath = join(dir, 'idemgate.config.ts');
    const config = readFileSync(configPath, 'utf8');
    const diagnostics = ts.transpileModule(config, { reportDiagnostics: true, fileName: configPath }).diagnostics ?? [];
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
    return { code, out: out.join('\n'), err: err.join('\n'), config };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** The TODO lines of init's summary. */
const todos = (out: string): string[] =>
  out.includes('Nothing left TODO.') ? [] : out.split('\n').filter((l) => l.startsWith('  - ')).map((l) => l.slice(4));

/**
 * The ledger/entity mapping fields a config needs — ledger: table, each column (txnId, account,
 * amount or debit + credit, currency, reference), sign (single amount column only), cashAccounts;
 * entities: table, provider, entity, status — and how many init filled.
 */
function mappingCoverage(inf: ProjectInference): { filled: number; total: number } {
  const { ledger, entities } = inf;
  const cash = inf.accounts.some((a) => a.cash);
  const debitCredit = ledger?.columns.debit !== undefined && ledger.columns.credit !== undefined;
  const ledgerRoles = debitCredit ? ['txnId', 'account', 'debit', 'credit', 'currency', 'reference'] : ['txnId', 'account', 'amount', 'currency', 'reference'];
  const fields: boolean[] = [
    ledger !== undefined,
    ...ledgerRoles.map((r) => ledger?.columns[r as keyof typeof ledger.columns] !== undefined),
    ...(debitCredit ? [] : [ledger?.signSource === 'schema comment']),
    cash,
    entities !== undefined,
    ...(['provider', 'entity', 'status'] as const).map((r) => entities?.columns[r] !== undefined),
  ];
  return { filled: fields.filter(Boolean).length, total: fields.length };
}

describe('idemgate init on services without Drizzle', () => {
  it('raw SQL migrations: CREATE TABLE, RENAME COLUMN and DROP TABLE applied in file order; nothing left to fill', async () => {
    const { code, out, err, config } = await initCopy('sql');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(config).toContain('// Ledger: `journal_lines` at db/migrations/001_journal.sql:10, chosen by its column names.');
    expect(config).toContain("table: 'journal_lines',");
    expect(config).toContain("columns: { txnId: 'journal_id', account: 'account_code', amount: 'amount_sen', currency: 'ccy', reference: 'external_ref' },");
    expect(config).toContain("sign: 'credit-positive', // from the comment on journal_lines in the schema");
    expect(config).toContain("cashAccounts: ['psp_clearing'],");
    expect(config).toContain('// Entity status: `payments` at db/migrations/002_payments.sql:1');
    // `status` was renamed to `state` by 003_rename.sql.
    expect(config).toContain("columns: { provider: 'provider', entity: 'external_id', status: 'state' },");
    expect(config).not.toMatch(/TODO[:_ ](?!for what)/);
    expect(config).not.toContain('payment_attempts_old');
    expect(out).toMatch(/ledger\s+journal_lines \(db\/migrations\/001_journal\.sql:10\)/);
    expect(todos(out)).toEqual([]);
  });

  it('Prisma: @map/@@map names, relation fields skipped, debit/credit columns, the generated SQL not listed twice', async () => {
    const { code, out, config } = await initCopy('prisma');
    expect(code).toBe(0);
    expect(config).toContain('// Ledger: `postings` at prisma/schema.prisma:26, chosen by its column names.');
    expect(config).toContain(
      "columns: { txnId: 'txn_id', account: 'acct', debit: 'debit_minor', credit: 'credit_minor', currency: 'currency', reference: 'ref' },",
    );
    expect(config).not.toMatch(/sign:/);
    expect(config).toContain("cashAccounts: ['bank_clearing'],");
    expect(config).toContain('// Entity status: `charges` at prisma/schema.prisma:40');
    expect(config).toContain("columns: { provider: 'gateway', entity: 'charge_ref', status: 'status' },");
    expect(out).toMatch(/ledger\s+postings \(prisma\/schema\.prisma:26\): .*debit=debit_minor credit=credit_minor$/m);
    // `prisma migrate deploy` is not a call in the source: the one thing left.
    expect(todos(out)).toEqual(['database.migrate: no migration call found; create the tables on start or set migrate']);
  });

  it('Knex: createTable callbacks and a later alterTable; down() ignored; the entity table without a provider is listed', async () => {
    const { code, out, config } = await initCopy('knex');
    expect(code).toBe(0);
    expect(config).toContain('// Ledger: `ledger_lines` at migrations/20240110120000_ledger.js:3');
    expect(config).toContain(
      "columns: { txnId: 'transaction_id', account: 'account', amount: 'amount_cents', currency: 'currency', reference: 'provider_ref' },",
    );
    expect(config).toContain("sign: 'debit-positive', // from the comment on ledger_lines in the schema");
    expect(config).toContain("cashAccounts: ['fpx_receivable'],");
    expect(config).toContain("columns: { provider: 'TODO_provider', entity: 'order_no', status: 'status' },");
    // An FPX service that reads no key variable: init says which key it must trust.
    expect(todos(out)).toEqual([
      'fpx public key: the service reads no FPX_*PUBLIC_KEY*/CERT variable; make it trust idemgate/keys/fpx-test-public.pem',
      'entities column provider: not found in orders',
    ]);
  });

  it('Kysely: createTable/addColumn chains; the missing reference column and the unknown sign are listed', async () => {
    const { code, out, config } = await initCopy('kysely');
    expect(code).toBe(0);
    expect(config).toContain('// Ledger: `entries` at src/migrations/2024-02-01T10-00_init.js:4');
    expect(config).toContain(
      "columns: { txnId: 'entry_group_id', account: 'account_name', amount: 'amount_minor', currency: 'currency', reference: 'TODO_reference' },",
    );
    expect(config).toContain("sign: 'debit-positive', // TODO: assumed; check which way amount_minor is signed");
    expect(config).toContain("cashAccounts: ['stripe_wallet'],");
    expect(config).toContain("columns: { provider: 'psp', entity: 'payment_ref', status: 'payment_status' },");
    expect(todos(out)).toEqual(['ledger column reference: not found in entries', 'ledger sign: assumed debit-positive for entries; check it']);
  });

  it('infers most of the ledger/entity mapping in every style', () => {
    const coverage = Object.fromEntries(
      [
        ['drizzle (reference service)', REFERENCE],
        ['sql', join(TESTDATA, 'sql')],
        ['prisma', join(TESTDATA, 'prisma')],
        ['knex', join(TESTDATA, 'knex')],
        ['kysely', join(TESTDATA, 'kysely')],
      ].map(([style, dir]) => {
        const { filled, total } = mappingCoverage(inferProject(dir!));
        return [style, `${filled}/${total}`];
      }),
    );
    expect(coverage).toEqual({
      'drizzle (reference service)': '12/12',
      sql: '12/12',
      prisma: '12/12',
      knex: '11/12',
      kysely: '10/12',
    });
  });
});
