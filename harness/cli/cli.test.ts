import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'harness/cli/bin.js');
const tape = join(repo, 'fixtures/tapes/stripe.jsonl');

/** A project folder with its own config and scenario, as a user of idemgate would have. */
function makeProject(dir: string, opts: { target: string; tape?: string }): string {
  mkdirSync(join(dir, 'scenarios'), { recursive: true });
  writeFileSync(
    join(dir, 'idemgate.config.ts'),
    `import { defineConfig } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
import { migrateNaive, startNaive } from ${JSON.stringify(join(repo, 'harness/cli/testdata/naive-target.ts'))};
export default defineConfig({
  target: { start: ${opts.target}, requestTimeoutMs: 2000 },
  providers: { stripe: { endpointSecret: 'whsec_cli_test' } },
  database: { url: undefined, migrate: migrateNaive },
  ledger: {
    table: 'journal',
    columns: { txnId: 'batch', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: ['cash'],
  },
});
`,
  );
  writeFileSync(
    join(dir, 'scenarios', 'naive.test.ts'),
    `import { defineScenario, sequentialDuplicates } from ${JSON.stringify(join(repo, 'harness/index.ts'))};
export const naive = defineScenario({
  name: 'naive-stripe',
  tapes: [${JSON.stringify(opts.tape ?? tape)}],
  faults: [sequentialDuplicates({ maxGap: 2 })],
  runs: 50,
});
`,
  );
  return join(dir, 'idemgate.config.ts');
}

function idemgate(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', CI: 'true' },
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

  it('exits 2 and names the URL when the target is unreachable', () => {
    const config = makeProject(join(dir, 'down'), { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9' }" });
    const r = idemgate(['run', '--config', config, '--runs', '5', '--pglite']);
    expect(r.status, r.out).toBe(2);
    expect(r.out).toContain('http://127.0.0.1:9');
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

  it('exits 2 on an unknown scenario and on bad flags', () => {
    const config = makeProject(join(dir, 'usage'), { target: "{ kind: 'url', baseUrl: 'http://127.0.0.1:9' }" });
    expect(idemgate(['run', '--config', config, '--scenario', 'nope']).out).toContain('unknown scenario nope');
    expect(idemgate(['run', '--config', config, '--runs', 'many']).status).toBe(2);
    expect(idemgate(['run', '--config', config, '--path', '1:2']).status).toBe(2);
  });
});
