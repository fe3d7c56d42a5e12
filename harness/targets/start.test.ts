import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { IdemgateError } from '../errors.ts';
import { freePort, startTarget } from './start.ts';
import type { TargetContext } from './types.ts';

// Real child processes (this Node binary) and real HTTP on loopback. Timeouts are generous where
// the outcome does not depend on them; where one is the outcome (an unhealthy target) the target
// can never become healthy, so the result does not depend on how loaded the machine is.

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/start_test';
const pool = new pg.Pool({ connectionString: DATABASE_URL }); // never connected: only its URL is used
afterAll(() => pool.end());

const database: Database = {
  kind: 'postgres',
  url: DATABASE_URL,
  native: { kind: 'postgres', pool },
  query: () => Promise.reject(new Error('not used by the starter')),
  exec: () => Promise.reject(new Error('not used by the starter')),
  activity: () => Promise.reject(new Error('not used by the starter')),
  serve: () => Promise.resolve(DATABASE_URL),
  close: () => Promise.resolve(),
};
const ctx: TargetContext = { database, secrets: {}, env: { SHOPEE_API_BASE: 'http://127.0.0.1:9/shopee' } };

/** A service on argv[1] (the port) answering /health with HEALTH_STATUS and /echo with its argv and env. */
const SERVICE = `
const http = require('node:http');
if (process.env.PID_FILE) require('node:fs').writeFileSync(process.env.PID_FILE, String(process.pid));
http.createServer((req, res) => {
  if (req.url === '/health') { res.statusCode = Number(process.env.HEALTH_STATUS ?? 200); res.end(); return; }
  const { PORT, DATABASE_URL, SHOPEE_API_BASE, FROM_CTX, MIXED, UNKNOWN } = process.env;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ argv: process.argv.slice(1), env: { PORT, DATABASE_URL, SHOPEE_API_BASE, FROM_CTX, MIXED, UNKNOWN } }));
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

async function rejection(promise: Promise<unknown>): Promise<IdemgateError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof IdemgateError) return e;
    throw e;
  }
  throw new Error('expected an IdemgateError');
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('startTarget: command', () => {
  it('starts the command, waits until its health path answers 2xx, and stops it', async () => {
    const target = await startTarget(
      { kind: 'command', command: process.execPath, args: ['-e', SERVICE, '{port}'], healthPath: '/health', startTimeoutMs: 20_000 },
      ctx,
    );

    const health = await fetch(`${target.baseUrl}/health`);
    await target.stop();

    expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(health.status).toBe(200);
    await expect(fetch(`${target.baseUrl}/health`)).rejects.toThrow();
  });

  it('substitutes {port}, {databaseUrl} and the context env in args and env values, and sets PORT and DATABASE_URL', async () => {
    const port = await freePort();
    const target = await startTarget(
      {
        kind: 'command',
        command: process.execPath,
        args: ['-e', SERVICE, '{port}', '{databaseUrl}', '{SHOPEE_API_BASE}', '{unknown}'],
        env: { FROM_CTX: '{SHOPEE_API_BASE}/v2', MIXED: 'port={port};db={databaseUrl}', UNKNOWN: '{nope}' },
        healthPath: '/health',
        port,
        startTimeoutMs: 20_000,
      },
      ctx,
    );

    let echo: unknown;
    try {
      echo = await (await fetch(`${target.baseUrl}/echo`)).json();
    } finally {
      await target.stop();
    }

    expect(target.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(echo).toEqual({
      argv: [String(port), DATABASE_URL, 'http://127.0.0.1:9/shopee', '{unknown}'],
      env: {
        PORT: String(port),
        DATABASE_URL,
        SHOPEE_API_BASE: 'http://127.0.0.1:9/shopee',
        FROM_CTX: 'http://127.0.0.1:9/shopee/v2',
        MIXED: `port=${port};db=${DATABASE_URL}`,
        UNKNOWN: '{nope}',
      },
    });
  });

  it("with ready: 'port' starts a service that has no health route once its port accepts connections", async () => {
    // Every path of this service answers 404: a health poll would never pass, the port does.
    const script = "require('node:http').createServer((q, s) => { s.statusCode = 404; s.end(); }).listen(Number(process.argv[1]), '127.0.0.1');";
    const target = await startTarget({ kind: 'command', command: process.execPath, args: ['-e', script, '{port}'], ready: 'port', startTimeoutMs: 20_000 }, ctx);
    const status = (await fetch(`${target.baseUrl}/anything`)).status;
    await target.stop();
    expect(status).toBe(404);
  });

  it("with ready: 'port' fails as unhealthy when the port never opens", async () => {
    const error = await rejection(
      startTarget({ kind: 'command', command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60_000)'], ready: 'port', startTimeoutMs: 600 }, ctx),
    );
    expect(error.code).toBe('TARGET_UNHEALTHY');
    expect(error.message).toMatch(/port \d+ did not accept connections within 600 ms/);
  });

  it('fails with the exit code and the last output lines when the process exits before it is healthy', async () => {
    const script = "console.log('starting on', process.argv[1]); console.error('cannot bind: EADDRINUSE'); process.exit(3);";

    const error = await rejection(
      startTarget({ kind: 'command', command: process.execPath, args: ['-e', script, '{port}'], healthPath: '/health', startTimeoutMs: 20_000 }, ctx),
    );

    expect(error.code).toBe('TARGET_START_FAILED');
    expect(error.message).toContain('exited with 3 before it became healthy');
    expect(error.message).toMatch(/Last output:\n {2}starting on \d+\n {2}cannot bind: EADDRINUSE/);
  });

  it('fails when the command cannot be started at all', async () => {
    const error = await rejection(
      startTarget({ kind: 'command', command: join(tmpdir(), 'idemgate-no-such-command'), healthPath: '/health', startTimeoutMs: 20_000 }, ctx),
    );

    expect(error.code).toBe('TARGET_START_FAILED');
    expect(error.message).toContain('cannot start target');
    expect(error.message).toContain('ENOENT');
  });

  it('fails naming the health URL when the target never answers 2xx, and stops the process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idemgate-start-'));
    const pidFile = join(dir, 'pid');
    try {
      const error = await rejection(
        startTarget(
          {
            kind: 'command',
            command: process.execPath,
            args: ['-e', SERVICE, '{port}'],
            env: { HEALTH_STATUS: '503', PID_FILE: pidFile },
            healthPath: '/health',
            startTimeoutMs: 1500,
          },
          ctx,
        ),
      );

      expect(error.code).toBe('TARGET_UNHEALTHY');
      expect(error.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/health did not answer 2xx within 1500 ms/);
      // No pid file: the child was stopped before it ran a line (a loaded machine), gone all the same.
      const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
      expect(pid === undefined || !isRunning(pid)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('startTarget: url', () => {
  it('fails naming the URL when nothing answers there', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}`;

    const error = await rejection(startTarget({ kind: 'url', baseUrl, healthPath: '/healthz', startTimeoutMs: 500 }, ctx));

    expect(error.code).toBe('TARGET_UNHEALTHY');
    expect(error.message).toContain(`GET ${baseUrl}/healthz`);
  });

  it('attaches without a check when no health path is given', async () => {
    const target = await startTarget({ kind: 'url', baseUrl: 'http://127.0.0.1:9' }, ctx);

    expect(target.baseUrl).toBe('http://127.0.0.1:9');
    await expect(target.stop()).resolves.toBeUndefined();
  });
});
