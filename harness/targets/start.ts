import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { request } from 'undici';
import { IdemgateError } from '../errors.ts';
import type { RunningTarget, TargetContext, TargetHealth, TargetStart } from './types.ts';

/** A free TCP port on loopback (the OS picks it; tiny race accepted, as every test runner does). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new IdemgateError('TARGET_START_FAILED', 'could not find a free loopback port for the target'))));
    });
  });
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await request(url, { method: 'GET', headersTimeout: 1000, bodyTimeout: 1000 });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300;
  } catch {
    return false;
  }
}

/** Polls `url` until it answers 2xx; `failed()` lets a dying child end the wait early. */
export async function waitHealthy(
  url: string,
  timeoutMs: number,
  failed: () => string | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason !== undefined) throw new IdemgateError('TARGET_START_FAILED', reason);
    if (await isHealthy(url)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new IdemgateError(
    'TARGET_UNHEALTHY',
    `target never became healthy: GET ${url} did not answer 2xx within ${timeoutMs} ms`,
    { details: { url } },
  );
}

const UP: TargetHealth = { state: 'up' };

/**
 * One liveness probe of a running target: GET `healthPath` must answer 2xx, or (without one) its
 * port must accept a TCP connection, within `timeoutMs`. Undefined when it did; else what happened.
 */
export async function probeTarget(baseUrl: string, healthPath: string | undefined, timeoutMs: number): Promise<string | undefined> {
  if (healthPath === undefined) {
    const url = new URL(baseUrl);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    return (await accepts(port, url.hostname, timeoutMs)) ? undefined : `${url.host} accepted no TCP connection within ${timeoutMs} ms`;
  }
  const url = `${baseUrl.replace(/\/+$/, '')}${healthPath}`;
  try {
    const res = await request(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
    await res.body.dump();
    return res.statusCode >= 200 && res.statusCode < 300 ? undefined : `GET ${url} answered ${res.statusCode}`;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if ((e as Error).name === 'TimeoutError') return `GET ${url} got no answer within ${timeoutMs} ms`;
    return `GET ${url} failed: ${typeof code === 'string' ? `${code} ` : ''}${(e as Error).message}`;
  }
}

/** The health of a target with nothing to watch but its answers (in-process, or at a URL). */
export const probedHealth =
  (baseUrl: string, healthPath: string | undefined) =>
  async ({ probe, timeoutMs }: { probe: boolean; timeoutMs: number }): Promise<TargetHealth> => {
    if (!probe) return UP;
    const failure = await probeTarget(baseUrl, healthPath, timeoutMs);
    return failure === undefined ? UP : { state: 'unresponsive', probe: failure };
  };

const until = async (done: () => boolean, ms: number): Promise<void> => {
  for (const deadline = Date.now() + ms; !done() && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 10));
};

function accepts(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Waits until `port` on loopback accepts TCP connections (`ready: 'port'`: a service with no health route). */
export async function waitPort(port: number, timeoutMs: number, failed: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = failed();
    if (reason !== undefined) throw new IdemgateError('TARGET_START_FAILED', reason);
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new IdemgateError('TARGET_UNHEALTHY', `target never became ready: port ${port} did not accept connections within ${timeoutMs} ms`, {
    details: { url: `tcp://127.0.0.1:${port}` },
  });
}

/**
 * Process groups of command targets still running. A target runs in its own group (spawned
 * detached) so that stopping it reaches its children too; when idemgate exits by any path (a
 * second signal, process.exit, a crash) the groups still here are killed on the way out.
 */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Sends `signal` to process group `pgid`; false when no process of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

const substitute = (value: string, vars: Record<string, string>): string =>
  value.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);

function startCommand(
  start: Extract<TargetStart, { kind: 'command' }>,
  ctx: TargetContext,
  port: number,
): Promise<RunningTarget> {
  const baseUrl = `http://127.0.0.1:${port}`;
  const vars: Record<string, string> = {
    ...ctx.env,
    port: String(port),
    databaseUrl: ctx.database.url ?? '',
  };
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...ctx.env,
    PORT: String(port),
    DATABASE_URL: ctx.database.url ?? '',
  };
  for (const [k, v] of Object.entries(start.env ?? {})) env[k] = substitute(v, vars);
  const args = (start.args ?? []).map((a) => substitute(a, vars));
  const child: ChildProcess = spawn(start.command, args, {
    cwd: start.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stop() signals the group, so the target's own children stop too.
    detached: true,
  });
  const pgid = child.pid;
  if (pgid !== undefined) trackGroup(pgid);
  const tail: string[] = [];
  const keep = (chunk: Buffer): void => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: string | undefined;
  child.on('error', (e) => (spawnError = e.message));
  // How it ended (for the start's failure and for health during the run), and when its output pipes had drained.
  let ended: { exitCode: number | null; signal: string | null } | undefined;
  let drained = false;
  child.on('exit', (exitCode, signal) => (ended = { exitCode, signal }));
  child.on('close', () => (drained = true));
  const command = [start.command, ...args].join(' ');
  const failed = (): string | undefined => {
    if (spawnError !== undefined) return `cannot start target \`${command}\`: ${spawnError}`;
    if (ended !== undefined) {
      return `target \`${command}\` exited with ${ended.exitCode ?? ended.signal} before it became healthy. Last output:\n  ${tail.join('\n  ')}`;
    }
    return undefined;
  };
  /**
   * SIGTERM to the target's whole group; once the target's own process exited (or after 3 s),
   * SIGKILL to whatever of the group is left (a child that outlived it).
   */
  const stop = async (): Promise<void> => {
    if (pgid === undefined) return;
    const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
    if (signalGroup(pgid, 'SIGTERM')) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 3000)))]);
      clearTimeout(timer);
      signalGroup(pgid, 'SIGKILL');
    }
    await exited;
    liveGroups.delete(pgid);
  };
  const healthPath = start.ready === 'port' ? undefined : start.healthPath;
  const exited = async (): Promise<TargetHealth | undefined> => {
    if (ended === undefined) return undefined;
    await until(() => drained, 500); // its last words may still be in the pipe
    return { state: 'exited', ...ended, output: [...tail] };
  };
  const health = async ({ probe, timeoutMs }: { probe: boolean; timeoutMs: number }): Promise<TargetHealth> => {
    const gone = await exited();
    if (gone !== undefined || !probe) return gone ?? UP;
    const failure = await probeTarget(baseUrl, healthPath, timeoutMs);
    if (failure === undefined) return UP;
    // A dying child refuses connections a moment before its exit is seen.
    await until(() => ended !== undefined, 1000);
    return (await exited()) ?? { state: 'unresponsive', probe: failure };
  };
  const timeoutMs = start.startTimeoutMs ?? 30_000;
  const ready =
    start.ready === 'port' || start.healthPath === undefined
      ? waitPort(port, timeoutMs, failed)
      : waitHealthy(`${baseUrl}${start.healthPath}`, timeoutMs, failed);
  return ready.then(
    () => ({ baseUrl, health, stop }),
    async (e: unknown) => {
      await stop();
      throw e;
    },
  );
}

/** Starts (or attaches to) the target the config describes and waits until it is healthy. */
export async function startTarget(start: TargetStart, ctx: TargetContext): Promise<RunningTarget> {
  switch (start.kind) {
    case 'in-process':
      try {
        return await start.start(ctx);
      } catch (e) {
        throw new IdemgateError('TARGET_START_FAILED', `in-process target failed to start: ${(e as Error).message}`, { cause: e });
      }
    case 'command':
      return startCommand(start, ctx, start.port ?? (await freePort()));
    case 'url': {
      if (start.healthPath !== undefined) await waitHealthy(`${start.baseUrl}${start.healthPath}`, start.startTimeoutMs ?? 10_000);
      return { baseUrl: start.baseUrl, health: probedHealth(start.baseUrl, start.healthPath), stop: async () => {} };
    }
  }
}
