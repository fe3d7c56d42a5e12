import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTape } from '../tape/read.ts';

const repo = resolve(import.meta.dirname, '../..');
const bin = join(repo, 'harness/cli/bin.js');
/** Every wait in this file is bounded by this. */
const BOUND_MS = 30_000;

interface Running {
  child: ChildProcess;
  out: () => string;
  /** Resolves with the first stdout match of `pattern`. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

function start(args: string[], cwd: string): Running {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: (() => void)[] = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), BOUND_MS);
  void exited.then(() => clearTimeout(timer));
  return {
    child,
    out: () => text,
    exited,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = pattern.exec(text);
          if (m !== null) resolve(m);
        };
        waiters.push(check);
        check();
        void exited.then(() => reject(new Error(`exited before ${pattern}: ${text}`)));
      }),
  };
}

describe('idemgate record (CLI)', () => {
  let dir: string;
  let config: string;
  let service: Server;
  let to: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idemgate-record-cli-'));
    config = join(dir, 'idemgate.config.ts');
    writeFileSync(
      config,
      "export default { target: { start: { kind: 'url', baseUrl: 'http://127.0.0.1:9' }, endpoints: { stripe: '/webhooks/stripe' } }, providers: {},\n" +
        "  record: { redact: { headers: ['x-customer-id'] } } };\n",
    );
    service = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}'));
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    to = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    service.closeAllConnections();
    await new Promise((r) => service.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const deliver = async (url: string): Promise<number> => {
    const answer = await request(`${url}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00', 'x-customer-id': 'cust-4711' },
      body: JSON.stringify({ id: 'evt_cli_1', object: 'event', type: 'payment_intent.created', created: 1, data: { object: { id: 'pi_1', object: 'payment_intent', amount: 100, currency: 'myr', status: 'requires_payment_method' } } }),
    });
    await answer.body.text();
    return answer.statusCode;
  };

  it('on SIGINT closes the tape, prints how many exchanges, and exits 0', async () => {
    const out = join(dir, 'sigint.jsonl');
    const run = start(['record', '--to', to, '--listen', '127.0.0.1:0', '--out', out, '--config', config], dir);
    const [, url] = await run.waitFor(/idemgate record: (http:\/\/127\.0\.0\.1:\d+) →/);

    expect(await deliver(url!)).toBe(200);
    expect(await deliver(url!)).toBe(200);
    run.child.kill('SIGINT');

    expect(await run.exited, run.out()).toBe(0);
    expect(run.out()).toContain('2 exchange(s) recorded in sigint.jsonl');
    const tape = await readTape(out);
    expect(tape.exchanges.map((x) => [x.provider, x.response?.status, x.headers['stripe-signature']])).toEqual([
      ['stripe', 200, '***'],
      ['stripe', 200, '***'],
    ]);
    // The config's record.redact applies: one pseudonym for the one customer.
    expect(tape.exchanges[0]!.headers['x-customer-id']).toMatch(/^anon-[0-9a-f]{12}$/);
    expect(tape.exchanges[1]!.headers['x-customer-id']).toBe(tape.exchanges[0]!.headers['x-customer-id']);
  });

  it('with no delivery recorded says there is nothing to replay, leaves no file and exits 2', async () => {
    const out = join(dir, 'empty.jsonl');
    const run = start(['record', '--to', to, '--listen', '127.0.0.1:0', '--out', out, '--config', config], dir);
    await run.waitFor(/Ctrl-C stops/);
    run.child.kill('SIGTERM');

    expect(await run.exited, run.out()).toBe(2);
    expect(run.out()).toContain('no delivery was recorded; nothing to replay');
    expect(existsSync(out)).toBe(false);
  });

  it('killed outright, leaves a tape whose every completed line reads', async () => {
    const out = join(dir, 'killed.jsonl');
    const run = start(['record', '--to', to, '--listen', '127.0.0.1:0', '--out', out, '--config', config], dir);
    const [, url] = await run.waitFor(/idemgate record: (http:\/\/127\.0\.0\.1:\d+) →/);
    await deliver(url!);
    run.child.kill('SIGKILL');
    await run.exited;

    const tape = await readTape(out);
    expect(tape.exchanges).toHaveLength(1);
    expect(tape.header.upstream).toBeUndefined();
  });

  it('is in the overview, and its --help lists its own flags', () => {
    const overview = spawnSync(process.execPath, [bin], { cwd: dir, encoding: 'utf8', timeout: BOUND_MS });
    const help = spawnSync(process.execPath, [bin, 'help', 'record'], { cwd: dir, encoding: 'utf8', timeout: BOUND_MS });

    expect(overview.stdout).toMatch(/^  record\s+Record a service's webhook traffic/m);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^idemgate record —[\s\S]*--to URL[\s\S]*--upstream-to API=URL/);
  });

  it('exits 2 with a message a user can act on: bad --to, port in use, no config, unknown flag, existing tape', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyPort = (busy.address() as AddressInfo).port;
    const existing = join(dir, 'exists.jsonl');
    writeFileSync(existing, 'x\n');
    const idemgate = (args: string[], cwd = dir): { status: number | null; out: string } => {
      const r = spawnSync(process.execPath, [bin, 'record', ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: BOUND_MS });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    };
    try {
      const cases: [string[], RegExp][] = [
        [['--to', 'localhost:3000', '--out', 'a.jsonl', '--config', config], /--to must be the service's http\(s\) URL/],
        [['--to', to, '--listen', `127.0.0.1:${busyPort}`, '--out', 'b.jsonl', '--config', config], new RegExp(`cannot listen on 127\\.0\\.0\\.1:${busyPort} \\(--listen\\): the port is in use`)],
        [['--to', to, '--out', 'c.jsonl', '--config', join(dir, 'missing.config.ts')], /config file .*missing\.config\.ts does not exist/],
        [['--to', to, '--out', 'd.jsonl', '--listn', '127.0.0.1:0', '--config', config], /unknown option --listn for idemgate record; did you mean --listen\?/],
        [['--to', to, '--listen', '127.0.0.1:0', '--out', existing, '--config', config], /already exists \(pass --force to replace it\)/],
      ];
      for (const [args, message] of cases) {
        const r = idemgate(args);
        expect(r.status, r.out).toBe(2);
        expect(r.out).toMatch(message);
      }
      expect(readFileSync(existing, 'utf8')).toBe('x\n');
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });
});
