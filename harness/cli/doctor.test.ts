import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, runCli } from './testdata/project.ts';

const repo = resolve(import.meta.dirname, '../..');
const harness = JSON.stringify(join(repo, 'harness/index.ts'));
const naive = JSON.stringify(join(repo, 'harness/cli/testdata/naive-target.ts'));
const stripeService = JSON.stringify(join(repo, 'harness/providers/stripe/_testing/webhook-service.ts'));

/**
 * A project whose target is not the reference service: a Stripe endpoint that verifies every
 * delivery with the official SDK, over the naive target's journal table. `secret` is what the
 * config reads for `providers.stripe.endpointSecret`; `ledgerTable` the table its ledger maps.
 */
function verifyingProject(dir: string, opts: { secret?: string; ledgerTable?: string } = {}): string {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(
    join(dir, 'idemgate.config.ts'),
    `import { defineConfig } from ${harness};
import { migrateNaive } from ${naive};
import { stripeWebhookService } from ${stripeService};
export default defineConfig({
  target: {
    start: { kind: 'in-process', start: () => stripeWebhookService('whsec_doctor', async () => {}) },
    endpoints: { stripe: '/hooks/stripe' },
    requestTimeoutMs: 2000,
  },
  providers: { stripe: { endpointSecret: ${opts.secret ?? "process.env.DOCTOR_TEST_WHSEC ?? 'whsec_doctor'"} } },
  database: { url: undefined, migrate: migrateNaive },
  ledger: {
    table: ${JSON.stringify(opts.ledgerTable ?? 'journal')},
    columns: { txnId: 'batch', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: ['cash'],
  },
});
`,
  );
  return join(dir, 'idemgate.config.ts');
}

describe('idemgate doctor (CLI)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'idemgate-doctor-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes every check on the reference config (PGlite): each endpoint, both mappings', async () => {
    const r = await runCli(['doctor', '--pglite']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).not.toContain('FAIL');
    for (const provider of ['shopee', 'fpx', 'stripe']) {
      expect(r.out).toMatch(new RegExp(`ok +${provider} +genuine delivery accepted .*forged .*refused`));
    }
    expect(r.out).toMatch(/ok +ledger +table ledger_entries: \d+ rows?/);
    expect(r.out).toMatch(/ok +entities +table orders: \d+ rows?/);
    expect(r.out).toMatch(/all \d+ checks ok \(\d+(\.\d)? s\)/);
  });

  it('passes on a target that is not the reference service, and says the entity mapping is not configured', async () => {
    const r = await runCli(['doctor', '--config', verifyingProject(join(dir, 'verifying')), '--pglite']);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toMatch(/ok +stripe +genuine delivery accepted \(200/);
    expect(r.out).toMatch(/forged .*refused \(400/);
    expect(r.out).toMatch(/ok +ledger +table journal: 0 rows/);
    expect(r.out).toMatch(/note +entities +not configured: status invariants .* will be not applicable/);
  });

  it('fails naming the provider when the target accepts forged deliveries', async () => {
    const config = makeProject(join(dir, 'naive'), { target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }" });
    const r = await runCli(['doctor', '--config', config, '--pglite']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL +stripe +the service accepts unsigned\/forged stripe deliveries/);
    expect(r.out).toMatch(/fix: .*Stripe-Signature/);
  });

  it('fails naming the table when the ledger mapping names a table that does not exist', async () => {
    const r = await runCli(['doctor', '--config', verifyingProject(join(dir, 'table'), { ledgerTable: 'journals' }), '--pglite']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL +ledger +table journals does not exist/);
    expect(r.out).toContain('fix: check ledger.table');
  });

  it('fails naming the env var the config reads with no default', async () => {
    const config = verifyingProject(join(dir, 'env'), { secret: 'process.env.DOCTOR_TEST_WHSEC!' });
    const r = await runCli(['doctor', '--config', config, '--pglite']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL +env +DOCTOR_TEST_WHSEC is not set/);
    expect(r.out).toContain('idemgate.config.ts:');
  });

  it('refuses a genuine delivery signed with another secret than the service verifies with, and says where to look', async () => {
    const config = verifyingProject(join(dir, 'secret'), { secret: "'whsec_not_the_one'" });
    const r = await runCli(['doctor', '--config', config, '--pglite']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL +stripe +genuine delivery refused: 400/);
    expect(r.out).toContain('providers.stripe.endpointSecret');
  });

  it('names the URL and exits non-zero when the target is unreachable', async () => {
    const config = makeProject(join(dir, 'down'), { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9' }" });
    const r = await runCli(['doctor', '--config', config, '--pglite']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toMatch(/FAIL +target +.*http:\/\/127\.0\.0\.1:9/);
    expect(r.out).toContain('fix:');
  });

  it('is a command with its own help; a usage error or a config that cannot be loaded exits 2', async () => {
    const help = await runCli(['help', 'doctor']);
    expect(help.status).toBe(0);
    expect(help.out).toContain('idemgate doctor');
    const bad = await runCli(['doctor', '--pglit']);
    expect(bad.status).toBe(2);
    expect(bad.out).toContain('did you mean --pglite?');
    const missing = await runCli(['doctor', '--config', join(dir, 'no-such.config.ts')]);
    expect(missing.status, missing.out).toBe(2);
    expect(missing.out).toMatch(/FAIL +config +config file .*no-such\.config\.ts does not exist/);
  });
});
