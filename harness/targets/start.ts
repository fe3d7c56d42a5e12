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

export const until = async (done: () => boolean, ms: number): Promise<void> => {
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

/** Told when a target's process group starts or is gone (a worker thread tells the main thread). */
type GroupListener = (event: { pgid: number; live: boolean }) => void;
const groupListeners = new Set<GroupListener>();

function trackGroup(pgid: number): void {
  liveGroups.add(pgid);
  for (const listener of groupListeners) listener({ pgid, live: true });
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

function untrackGroup(pgid: number): void {
  liveGroups.delete(pgid);
  for (const listener of groupListeners) listener({ pgid, live: false });
}

/**
 * Tells `listener` of every target process group this thread starts or stops. A schedule worker
 * thread forwards them to the main thread (`adoptTargetGroup`): a forced exit (a second signal,
 * process.exit) ends worker threads without their exit hooks, so only the main thread's can kill
 * their targets.
 */
export function onTargetGroup(listener: GroupListener): () => void {
  groupListeners.add(listener);
  return () => groupListeners.delete(listener);
}

/** Makes this thread's exit hook kill (`live`) or forget another thread's target process group. */
export function adoptTargetGroup(pgid: number, live: boolean): void {
  if (live) trackGroup(pgid);
  else untrackGroup(pgid);
}

export const substitute = (value: string, vars: Record<string, string>): string =>
  value.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);

/** One spawned process of a command target: how it ended (if it did) and its last output lines. */
export interface Spawned {
  child: ChildProcess;
  pgid: number | undefined;
  tail: string[];
  spawnError: string | undefined;
  ended: { exitCode: number | null; signal: string | null } | undefined;
  /** Its output pipes have closed (its last words are in `tail`). */
  drained: boolean;
}

export function spawnTarget(command: string, args: string[], cwd: string | undefined, env: Record<string, string>): Spawned {
  const child: ChildProcess = spawn(command, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: stop() signals the group, so the target's own children stop too.
    detached: true,
  });
  const spawned: Spawned = { child, pgid: child.pid, tail: [], spawnError: undefined, ended: undefined, drained: false };
  if (spawned.pgid !== undefined) trackGroup(spawned.pgid);
  const keep = (chunk: Buffer): void => {
    spawned.tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    spawned.tail.splice(0, Math.max(0, spawned.tail.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (e) => (spawned.spawnError = e.message));
  child.on('exit', (exitCode, signal) => (spawned.ended = { exitCode, signal }));
  child.on('close', () => (spawned.drained = true));
  return spawned;
}

/**
 * Signals a spawned target's group with `first`; once its own process exited (or after `graceMs`),
 * SIGKILL to whatever of the group is left (a child that outlived it).
 */
export async function endGroup(p: Spawned, first: NodeJS.Signals, graceMs: number): Promise<void> {
  const { child, pgid } = p;
  if (pgid === undefined) return;
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  if (signalGroup(pgid, first)) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    signalGroup(pgid, 'SIGKILL');
  }
  await exited;
  untrackGroup(pgid);
}

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
  const command = [start.command, ...args].join(' ');
  // The process now running; a crash-restart replaces it with a new one started the same way.
  let current = spawnTarget(start.command, args, start.cwd, env);
  /** Set while an injected crash has the target down: health waits for it to be back. */
  let restarting: Promise<void> | undefined;
  const failedOf = (p: Spawned) => (): string | undefined => {
    if (p.spawnError !== undefined) return `cannot start target \`${command}\`: ${p.spawnError}`;
    if (p.ended !== undefined) {
      return `target \`${command}\` exited with ${p.ended.exitCode ?? p.ended.signal} before it became healthy. Last output:\n  ${p.tail.join('\n  ')}`;
    }
    return undefined;
  };
  /** SIGTERM to the target's whole group; after its own process exited (or 3 s), SIGKILL to what is left. */
  const stop = async (): Promise<void> => {
    await restarting?.catch(() => {});
    await endGroup(current, 'SIGTERM', 3000);
  };
  const healthPath = start.ready === 'port' ? undefined : start.healthPath;
  const exited = async (p: Spawned): Promise<TargetHealth | undefined> => {
    if (p.ended === undefined) return undefined;
    await until(() => p.drained, 500); // its last words may still be in the pipe
    return { state: 'exited', ...p.ended, output: [...p.tail] };
  };
  const health = async ({ probe, timeoutMs }: { probe: boolean; timeoutMs: number }): Promise<TargetHealth> => {
    // Down on purpose (an injected crash): judged once it is back. A restart that failed is its exit.
    await restarting?.catch(() => {});
    const p = current;
    const gone = await exited(p);
    if (gone !== undefined || !probe) return gone ?? UP;
    const failure = await probeTarget(baseUrl, healthPath, timeoutMs);
    if (failure === undefined) return UP;
    // A dying child refuses connections a moment before its exit is seen.
    await until(() => p.ended !== undefined, 1000);
    return (await exited(p)) ?? { state: 'unresponsive', probe: failure };
  };
  const timeoutMs = start.startTimeoutMs ?? 30_000;
  const ready = (p: Spawned): Promise<void> =>
    start.ready === 'port' || start.healthPath === undefined
      ? waitPort(port, timeoutMs, failedOf(p))
      : waitHealthy(`${baseUrl}${start.healthPath}`, timeoutMs, failedOf(p));
  /**
   * The crash-restart fault: SIGKILL to the whole group (no shutdown hook runs), `whileDown`, then
   * the same command on the same port, env and database, ready as at the start.
   */
  const crashRestart = (whileDown: () => Promise<void> = async () => {}): Promise<void> => {
    if (restarting !== undefined) throw new IdemgateError('USAGE', 'the target is already being restarted');
    restarting = (async () => {
      await endGroup(current, 'SIGKILL', 0);
      try {
        await whileDown();
      } finally {
        current = spawnTarget(start.command, args, start.cwd, env);
        await ready(current);
      }
    })().finally(() => (restarting = undefined));
    return restarting;
  };
  return ready(current).then(
    () => ({ baseUrl, health, stop, crashRestart }),
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
