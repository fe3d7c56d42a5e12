/**
 * Never a leaked secret: canary values in the config's provider secrets, a database URL's password, the tape's credential headers and the target's own output, through a
 * failing run; none may appear in any stream or any file the run writes, and the masking must be
 * seen to have happened (the masks are there), so the test cannot pass by the canaries never
 * reaching an output. The same run's event ids carry terminal control codes, which must arrive escaped.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, runCli, STRIPE_TAPE } from './testdata/project.ts';

const CANARY = {
  providerSecret: 'whsec_CANARY_provider_7f3a9',
  dbPassword: 'CANARYdbpw93e1',
  tapeToken: 'CANARY_tape_token_0b7d2',
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

describe('secrets never reach an output', () => {
  it('masks canaries from the config, the database URL, the tape and the target in every stream and report', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idemgate-canary-'));
    temps.push(dir);
    // The tape carries a bearer token and a signature header of its own on every exchange.
    const lines = readFileSync(STRIPE_TAPE, 'utf8').trim().split('\n');
    const tape = join(dir, 'stripe-canary.jsonl');
    writeFileSync(
      tape,
      [
        lines[0],
        ...lines.slice(1).map((l) => {
          const e = JSON.parse(l) as { headers: Record<string, string>; body: string };
          e.headers['authorization'] = `Bearer ${CANARY.tapeToken}`;
          // Hostile event ids: a window-title change, a screen clear and a NUL.
          e.body = e.body.replace(/"id":\s*"evt_/, '"id":"evt_\\u001b]0;pwned\\u0007\\u001b[2J\\u0000');
          return JSON.stringify(e);
        }),
      ].join('\n'),
    );
    // An in-process target that prints its secrets, as a careless service does, and echoes one in
    // its answers; it has no idempotency guard, so the run fails and writes every failure output.
    const target = `{ kind: 'in-process', start: async ({ database }) => {
      console.error('target: booting with endpoint secret ' + ${JSON.stringify(CANARY.providerSecret)});
      console.error('target: database postgres://app:${CANARY.dbPassword}@db.internal:5432/shop');
      return startNaive(database, JSON.stringify({ received: true, debug: { secret: ${JSON.stringify(CANARY.providerSecret)}, db: 'postgres://app:${CANARY.dbPassword}@db.internal/shop' } }));
    } }`;
    const config = makeProject(join(dir, 'project'), { target, tape });
    const text = readFileSync(config, 'utf8')
      .replace("endpointSecret: 'whsec_cli_test'", `endpointSecret: ${JSON.stringify(CANARY.providerSecret)}`);
    writeFileSync(config, text);

    const run = await runCli(['run', '--config', config, '--runs', '30', '--seed', '11', '--pglite']);
    expect(run.status, run.out).toBe(1);
    // Terminal-safe: the hostile ids are shown, escaped; no control character reaches the terminal.
    expect(run.out).toContain('evt_\\x1b]0;pwned\\x07\\x1b[2J\\x00');
     
    expect(run.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    // The masking happened: the target's lines are there, with masks where the secrets were.
    expect(run.out).toContain('target: booting with endpoint secret ***');
    expect(run.out).toContain('postgres://app:***@db.internal:5432/shop');
    const outputs = [{ name: 'stdout+stderr', text: run.out }, ...filesUnder(join(dir, 'project', 'reports')).map((f) => ({ name: f, text: readFileSync(f, 'utf8') }))];
    expect(outputs.map((o) => o.name).join('\n')).toMatch(/failures[/\\]naive-stripe\.json/);
    // The answers (with the echoed secrets) are in the saved counterexample, masked.
    expect(readFileSync(join(dir, 'project', 'reports', 'failures', 'naive-stripe.json'), 'utf8')).toContain('postgres://app:***@db.internal/shop');
    for (const { name, text: content } of outputs) {
      for (const [what, canary] of Object.entries(CANARY)) expect(content.includes(canary), `${what} leaked into ${name}`).toBe(false);
    }
  });

  it('masks the password of an unreachable database URL in the error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'idemgate-canary-db-'));
    temps.push(dir);
    const config = makeProject(join(dir, 'project'), { target: "{ kind: 'in-process', start: ({ database }) => startNaive(database) }" });
    writeFileSync(config, readFileSync(config, 'utf8').replace('url: undefined', `url: 'postgres://postgres:${CANARY.dbPassword}@127.0.0.1:1/none'`));
    const run = await runCli(['run', '--config', config, '--runs', '2']);
    expect(run.status, run.out).toBe(2);
    expect(run.out).toContain('127.0.0.1:1');
    for (const content of [run.out, ...filesUnder(join(dir, 'project', 'reports')).map((f) => readFileSync(f, 'utf8'))]) {
      expect(content).not.toContain(CANARY.dbPassword);
    }
  });
});
