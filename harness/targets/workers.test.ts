import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import { startWorkers } from './workers.ts';

// Real child processes (this Node binary): each worker writes its pid to a file and prints a ready line.

const dir = await mkdtemp(join(tmpdir(), 'idemgate-workers-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const WORKER = `
require('node:fs').writeFileSync(require('node:path').join(process.argv[1], 'pid-' + process.env.IDEMGATE_WORKER), String(process.pid) + ' ' + process.env.FROM_VARS);
console.log('worker ready');
if (process.env.DIE_AFTER_MS) setTimeout(() => { console.error('out of memory, say'); process.exit(3); }, Number(process.env.DIE_AFTER_MS));
setInterval(() => {}, 1000);
`;

const pidOf = async (i: number): Promise<{ pid: number; vars: string }> => {
  const [pid, vars] = (await readFile(join(dir, `pid-${i}`), 'utf8')).split(' ');
  return { pid: Number(pid), vars: vars! };
};
const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const start = (env: Record<string, string> = {}, readyPattern = 'worker ready') =>
  startWorkers(
    { start: { kind: 'command', command: process.execPath, args: ['-e', WORKER, dir], env: { FROM_VARS: '{databaseUrl}', ...env }, readyPattern, startTimeoutMs: readyPattern === 'never printed' ? 500 : 5000 }, count: 2 },
    { databaseUrl: 'postgres://x/db' },
    process.env as Record<string, string>,
  );

describe('target.workers: worker processes idemgate owns', () => {
  it('starts count workers with the placeholders substituted, and stops them with the session', async () => {
    const workers = await start();
    const [a, b] = [await pidOf(0), await pidOf(1)];
    expect(a.vars).toBe('postgres://x/db');
    expect(a.pid).not.toBe(b.pid);
    expect(await workers.dead()).toBeUndefined();
    await workers.stop();
    expect([isRunning(a.pid), isRunning(b.pid)]).toEqual([false, false]);
  });

  it('names a worker that died on its own, with its exit code and last output', async () => {
    const workers = await start({ DIE_AFTER_MS: '100' });
    try {
      let dead: Awaited<ReturnType<typeof workers.dead>>;
      for (let i = 0; i < 100 && dead === undefined; i++) {
        dead = await workers.dead();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(dead).toMatchObject({ state: 'exited', exitCode: 3, process: expect.stringMatching(/^worker [01] /) as unknown });
      expect(dead!.output).toContain('out of memory, say');
    } finally {
      await workers.stop();
    }
  });

  it('kills every worker with SIGKILL and starts them again; an injected crash is no death', async () => {
    const workers = await start();
    try {
      const before = [await pidOf(0), await pidOf(1)];
      await workers.crashRestart(async () => {
        expect(before.map((w) => isRunning(w.pid))).toEqual([false, false]);
      });
      const after = [await pidOf(0), await pidOf(1)];
      expect(after.map((w) => isRunning(w.pid))).toEqual([true, true]);
      expect(after.map((w) => w.pid)).not.toContain(before[0]!.pid);
      expect(await workers.dead()).toBeUndefined();
    } finally {
      await workers.stop();
    }
  });

  it('fails to start, naming the worker, when its ready line never comes', async () => {
    const error = await start({ DIE_AFTER_MS: '60000' }, 'never printed').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IdemgateError);
    expect((error as IdemgateError).code).toBe('TARGET_START_FAILED');
    expect((error as IdemgateError).message).toMatch(/worker \d .* printed no line matching \/never printed\//s);
  }, 15_000);
});
