/**
 * The reference service's upstream guards matter: in a copy of its source, started as a child
 * process, deleting one guard makes the run fail with the invariant that guard protects; the
 * untouched copy passes with the same upstream faults on.
 */
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defineScenario, openSession, runScenario, type IdemgateConfig } from '../index.ts';
import { formatResult } from '../report/console.ts';
import { upstream, type UpstreamExtensionOptions } from './index.ts';
import { readTape } from '../tape/read.ts';
import config, { childProcess, UPSTREAM_TIMEOUT_MS } from '../../idemgate.config.ts';

const root = resolve(import.meta.dirname, '../..');
const copies: string[] = [];
afterAll(async () => {
  await Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A copy of the reference service with the named guard regions deleted from every file. */
async function serviceCopy(deleteGuard?: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'idemgate-upstream-'));
  copies.push(dir);
  const service = join(dir, 'merchant-service');
  await cp(join(root, 'fixtures/merchant-service'), service, { recursive: true });
  await symlink(join(root, 'node_modules'), join(service, 'node_modules'), 'dir');
  if (deleteGuard === undefined) return service;
  let deleted = 0;
  const files = (await readdir(join(service, 'src'), { recursive: true })).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const path = join(service, 'src', file);
    const text = await readFile(path, 'utf8');
    const region = new RegExp(`^[ \\t]*// idemgate-guard: ${deleteGuard}\\n[\\s\\S]*?^[ \\t]*// idemgate-guard-end\\n`, 'gm');
    const next = text.replace(region, () => {
      deleted++;
      return '';
    });
    if (next !== text) await writeFile(path, next, 'utf8');
  }
  expect(deleted, `guard ${deleteGuard} not found`).toBeGreaterThan(0);
  return service;
}

const pspTape = 'fixtures/tapes/merchant-client.jsonl';

async function run(serviceDir: string, faults: UpstreamExtensionOptions, runs: number, env: Record<string, string> = {}) {
  const scenario = defineScenario({
    name: 'upstream-guard-check',
    tapes: [pspTape],
    faults: [],
    runs,
    extensions: [upstream({ routes: ['psp.payment_intents', 'psp.refunds'], maxCallIndex: 2, ...faults })],
  });
  const child = childProcess(serviceDir) as Extract<ReturnType<typeof childProcess>, { kind: 'command' }>;
  const start = { ...child, env: { ...child.env, ...env } };
  const childConfig: IdemgateConfig = { ...config, target: { ...config.target, start }, database: {} };
  const session = await openSession({ config: childConfig, rootDir: root, tapes: [await readTape(join(root, pspTape))], databaseUrl: null });
  try {
    return await runScenario(session, scenario, { runs, seed: 4242 });
  } finally {
    await session.close();
  }
}

const failedWith = (result: Awaited<ReturnType<typeof run>>): string[] =>
  result.status === 'failed' ? [...new Set(result.counterexample.violations.map((v) => v.invariant))] : [];

describe('reference service upstream guards (child process)', () => {
  it('passes with every upstream fault on', async () => {
    const result = await run(
      await serviceCopy(),
      { rateLimit: true, serverErrors: { maxOutage: 6 }, timeouts: { delayMs: UPSTREAM_TIMEOUT_MS * 2 }, resets: true, unauthorized: true, lostAnswers: true },
      20,
    );
    expect(result.status, formatResult(result).join('\n')).toBe('passed');
  }, 120_000);

  it('without its retry backoff, fails upstream-retry-after-honoured', async () => {
    const result = await run(await serviceCopy('upstream-retry-backoff'), { rateLimit: true }, 20);
    expect(failedWith(result)).toContain('upstream-retry-after-honoured');
  }, 120_000);

  it('without its retry limit, fails upstream-retries-bounded', async () => {
    const result = await run(await serviceCopy('upstream-retry-limit'), { serverErrors: { maxOutage: 6 }, maxFaults: 1 }, 30);
    expect(failedWith(result)).toContain('upstream-retries-bounded');
  }, 120_000);

  it('without its 401 no-retry rule, fails upstream-no-retry-after-client-error', async () => {
    const result = await run(await serviceCopy('upstream-no-retry-on-4xx'), { unauthorized: true }, 20);
    expect(failedWith(result)).toContain('upstream-no-retry-after-client-error');
  }, 120_000);

  it('without its outbound idempotency key, fails upstream-retries-same-idempotency-key', async () => {
    const result = await run(await serviceCopy('psp-outbound-idempotency-key'), { lostAnswers: true, resets: true }, 20);
    expect(failedWith(result)).toContain('upstream-retries-same-idempotency-key');
    expect(failedWith(result)).toContain('upstream-ledger-agrees');
  }, 120_000);

  it('without giving the key back when a request fails, fails client-keys-eventually-answered', async () => {
    // A 401 from the PSP makes the charge handler fail after it took the client's key. Without
    // the release the key stays locked until its TTL (a minute), so every redelivery gets 409.
    // A short in-flight wait keeps each 409 quick; there are no concurrent deliveries to wait for.
    const faults: UpstreamExtensionOptions = { unauthorized: true, maxFaults: 1 };
    const env = { IDEMPOTENCY_WAIT_MS: '100' };
    const intact = await run(await serviceCopy(), faults, 10, env);
    expect(intact.status, formatResult(intact).join('\n')).toBe('passed');
    const result = await run(await serviceCopy('idempotency-key-release-on-failure'), faults, 10, env);
    expect(result.status, formatResult(result).join('\n')).toBe('failed');
    expect(failedWith(result)).toContain('client-keys-eventually-answered');
    const violation = result.status === 'failed' ? result.counterexample.violations.find((v) => v.invariant === 'client-keys-eventually-answered') : undefined;
    expect(violation?.message).toMatch(/seq \d+ \(merchant-client, Idempotency-Key [0-9a-f-]+\) was still answered 409/);
  }, 120_000);
});
