import { describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Database } from '../db/database.ts';
import { startTarget } from './start.ts';
import type { TargetContext } from './types.ts';

// A real child process (this Node binary) on loopback: killed with SIGKILL and started again.

const database: Database = {
  kind: 'postgres',
  url: 'postgres://postgres@127.0.0.1:5432/restart_test',
  native: { kind: 'postgres', pool: new pg.Pool() },
  query: () => Promise.reject(new Error('not used')),
  exec: () => Promise.reject(new Error('not used')),
  activity: () => Promise.reject(new Error('not used')),
  serve: () => Promise.resolve(''),
  close: () => Promise.resolve(),
};
const ctx: TargetContext = { database, secrets: {}, env: { FROM_CTX: 'ctx' } };

/** Answers /health, and /pid with its pid, DATABASE_URL and FROM_CTX; /hang never answers. */
const SERVICE = `
const http = require('node:http');
http.createServer((req, res) => {
  if (req.url === '/health') { res.end(); return; }
  if (req.url === '/hang') return;
  res.end(JSON.stringify({ pid: process.pid, db: process.env.DATABASE_URL, ctx: process.env.FROM_CTX }));
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a command target crashed and restarted', () => {
  it('is killed with SIGKILL, runs what must happen while it is down, and comes back on the same port, database and env', async () => {
    const target = await startTarget({ kind: 'command', command: process.execPath, args: ['-e', SERVICE, '{port}'], healthPath: '/health', startTimeoutMs: 20_000 }, ctx);
    try {
      const before = (await (await fetch(`${target.baseUrl}/pid`)).json()) as { pid: number; db: string; ctx: string };
      const hanging = fetch(`${target.baseUrl}/hang`).then(
        () => 'answered',
        () => 'connection lost',
      );
      const seenWhileDown: string[] = [];
      let healthAskedWhileDown: Promise<unknown> | undefined;

      await target.crashRestart!(async () => {
        seenWhileDown.push(isRunning(before.pid) ? 'still running' : 'dead', await hanging);
        // Asked while the target is down on purpose: answered once it is back.
        healthAskedWhileDown = target.health!({ probe: true, timeoutMs: 2000 });
      });

      const after = (await (await fetch(`${target.baseUrl}/pid`)).json()) as { pid: number; db: string; ctx: string };
      expect(seenWhileDown).toEqual(['dead', 'connection lost']);
      expect(await healthAskedWhileDown).toEqual({ state: 'up' });
      expect(after.pid).not.toBe(before.pid);
      expect(after).toMatchObject({ db: before.db, ctx: 'ctx' });
      // The injected death is not the target's: health says up, not exited.
      expect(await target.health!({ probe: true, timeoutMs: 2000 })).toEqual({ state: 'up' });
    } finally {
      await target.stop();
    }
    await expect(fetch(`${target.baseUrl}/health`)).rejects.toThrow();
  });

  it('is reported exited when it dies on its own after a restart', async () => {
    const target = await startTarget({ kind: 'command', command: process.execPath, args: ['-e', SERVICE, '{port}'], healthPath: '/health', startTimeoutMs: 20_000 }, ctx);
    try {
      await target.crashRestart!();
      const { pid } = (await (await fetch(`${target.baseUrl}/pid`)).json()) as { pid: number };
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 20));
      const health = await target.health!({ probe: true, timeoutMs: 1000 });
      expect(health).toMatchObject({ state: 'exited', signal: 'SIGTERM' });
    } finally {
      await target.stop();
    }
  });
});

describe('targets that cannot be crashed', () => {
  it('an in-process or URL target has no crashRestart', async () => {
    const url = await startTarget({ kind: 'url', baseUrl: 'http://127.0.0.1:9' }, ctx);
    const inProcess = await startTarget({ kind: 'in-process', start: async () => ({ baseUrl: 'http://127.0.0.1:9', stop: async () => {} }) }, ctx);
    expect(url.crashRestart).toBeUndefined();
    expect(inProcess.crashRestart).toBeUndefined();
  });
});
