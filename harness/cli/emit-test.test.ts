import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, loadScenarios } from '../runner/load.ts';
import { loadScenarioTape, runScenario } from '../runner/run-scenario.ts';
import { openSession } from '../runner/session.ts';
import { emitTestCommand } from './emit-test.ts';
import { makeProject } from './testdata/project.ts';

const repo = resolve(import.meta.dirname, '../..');
// Under reports/ (ignored by git and by the suite's include globs) so the suite never collects what is written here.
const dir = join(repo, 'reports', `emit-test-${process.pid}`);
const config = makeProject(dir, {
  // The naive service, with its dedupe guard on when EMIT_DEDUPE=1: the same service once fixed.
  target: "{ kind: 'in-process', start: ({ database }) => startNaive(database, '{}', { dedupe: process.env.EMIT_DEDUPE === '1' }) }",
});
const testFile = join(dir, 'incident.test.ts');
const curlFile = join(dir, 'incident.sh');
let saved: string;

/** The emitted file run by vitest as a user runs it, with the service broken (0) or fixed (1). */
function runEmitted(dedupe: '0' | '1'): Promise<{ status: number | null; out: string }> {
  writeFileSync(
    join(dir, 'vitest.config.ts'),
    `export default { test: { root: ${JSON.stringify(repo)}, include: [${JSON.stringify(relative(repo, testFile))}], testTimeout: 300000 } };\n`,
  );
  const env: NodeJS.ProcessEnv = { ...process.env, EMIT_DEDUPE: dedupe, CI: 'true' };
  for (const k of Object.keys(env)) if (k.startsWith('VITEST')) delete env[k];
  delete env.NODE_OPTIONS;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.ts')], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, out }));
  });
}

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  // A failure found the way a user finds it: the scenario run against the service with no dedupe.
  const { config: loaded, rootDir } = await loadConfig(config);
  const [scenario] = await loadScenarios(join(rootDir, 'scenarios'));
  const session = await openSession({ config: loaded, rootDir, tapes: [await loadScenarioTape(scenario!, rootDir)], databaseUrl: null });
  try {
    const result = await runScenario(session, scenario!, { seed: 5, runs: 20, reportsDir: join(dir, 'reports') });
    if (result.status !== 'failed' || result.savedTo === undefined) throw new Error(`expected a saved failure, got ${result.status}`);
    saved = resolve(result.savedTo);
  } finally {
    await session.close();
  }
}, 300_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('idemgate emit-test', () => {
  it('writes a vitest file that fails on the broken service and passes once it is fixed', async () => {
    expect(await emitTestCommand([saved, '--out', testFile, '--curl', curlFile, '--config', config])).toBe(0);
    const text = readFileSync(testFile, 'utf8');
    // Self-contained: the schedule and the exchanges it delivers are in the file, imported from this checkout's sources.
    expect(text).toContain("from \"../../harness/testing.ts\"");
    expect(text).toContain('"schedule"');
    expect(text).not.toContain('whsec_cli_test');

    const [broken, fixed] = await Promise.all([runEmitted('0'), runEmitted('1')]);
    expect(broken.status, broken.out).toBe(1);
    expect(broken.out).toMatch(/exactly-once-effect: effect for reference \S+ is duplicated: 2 transactions move cash/);
    expect(fixed.status, fixed.out).toBe(0);
    expect(fixed.out).toMatch(/1 passed/);
  }, 300_000);

  it("writes a curl script that books the duplicate twice on the broken service, signed with the config's secret at run time", async () => {
    const script = readFileSync(curlFile, 'utf8');
    expect(script).toContain('openssl dgst -sha256 -hmac');
    const { config: loaded, rootDir } = await loadConfig(config);
    const session = await openSession({ config: loaded, rootDir, tapes: [], databaseUrl: null });
    try {
      await session.reset();
      const { stdout } = await promisify(execFile)('sh', [curlFile], { env: { ...process.env, BASE_URL: session.target.baseUrl } });
      expect(stdout).toMatch(/step 1: POST \/webhooks\/stripe -> 200/);
      const twice = await session.database.query<{ ext_ref: string; n: string }>(
        "select ext_ref, count(*) as n from journal where acct = 'cash' group by ext_ref having count(*) > 1",
      );
      expect(twice.length, stdout).toBeGreaterThan(0);
    } finally {
      await session.close();
    }
  }, 120_000);

  it('refuses a file that is not a saved failure, and a missing one, with exit 2', async () => {
    const bogus = join(dir, 'bogus.json');
    writeFileSync(bogus, '{"format":"something else"}');
    expect(await emitTestCommand([bogus, '--out', join(dir, 'x.test.ts'), '--config', config])).toBe(2);
    expect(await emitTestCommand([join(dir, 'nope.json'), '--out', join(dir, 'x.test.ts'), '--config', config])).toBe(2);
    expect(await emitTestCommand([saved])).toBe(2);
  });
});
