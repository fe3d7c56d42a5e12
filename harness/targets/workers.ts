import { IdemgateError } from '../errors.ts';
import { endGroup, spawnTarget, substitute, until, type Spawned } from './start.ts';
import type { RunningWorkers, TargetHealth, TargetWorkers } from './types.ts';

type Exited = Extract<TargetHealth, { state: 'exited' }>;

/**
 * Starts `count` copies of a worker command, each in its own process group (tracked like a
 * target's, so idemgate's exit hook and a worker thread's forwarding kill them too). `vars` are
 * the placeholders of `target.start` (`port`, `databaseUrl`, IDEMGATE_SESSION, the API bases);
 * `baseEnv` is the environment a command target gets before its own `env`.
 *
 * @example
 * const workers = await startWorkers({ start: { kind: 'command', command: 'node', args: ['worker.js'] }, count: 2 }, vars, env);
 */
export async function startWorkers(config: TargetWorkers, vars: Record<string, string>, baseEnv: Record<string, string>): Promise<RunningWorkers> {
  const { start } = config;
  const count = config.count ?? 1;
  const args = (start.args ?? []).map((a) => substitute(a, vars));
  const command = [start.command, ...args].join(' ');
  const envOf = (index: number): Record<string, string> => {
    const env: Record<string, string> = { ...baseEnv, IDEMGATE_WORKER: String(index) };
    for (const [k, v] of Object.entries(start.env ?? {})) env[k] = substitute(v, vars);
    return env;
  };
  const name = (index: number): string => `worker ${index} (\`${command}\`)`;
  const pattern = start.readyPattern === undefined ? undefined : new RegExp(start.readyPattern);
  const timeoutMs = start.startTimeoutMs ?? 30_000;

  const spawnOne = async (index: number): Promise<Spawned> => {
    const p = spawnTarget(start.command, args, start.cwd, envOf(index));
    if (pattern === undefined) return p;
    const seen = (): boolean => p.tail.some((line) => pattern.test(line));
    await until(() => seen() || p.ended !== undefined || p.spawnError !== undefined, timeoutMs);
    if (seen()) return p;
    const why = p.spawnError ?? (p.ended === undefined ? `printed no line matching /${start.readyPattern}/ within ${timeoutMs} ms` : `exited with ${p.ended.exitCode ?? p.ended.signal}`);
    await endGroup(p, 'SIGKILL', 0);
    throw new IdemgateError('TARGET_START_FAILED', `target.workers: ${name(index)} did not start: ${why}. Last output:\n  ${p.tail.join('\n  ')}`);
  };

  let running: Spawned[] = [];
  const spawnAll = async (): Promise<void> => {
    const started = await Promise.allSettled(Array.from({ length: count }, (_, i) => spawnOne(i)));
    running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed !== undefined) {
      await Promise.all(running.map((p) => endGroup(p, 'SIGKILL', 0)));
      throw failed.reason;
    }
  };
  /** Set while an injected crash has the workers down: `dead` waits for them to be back. */
  let restarting: Promise<void> | undefined;
  let stopped = false;

  await spawnAll();
  return {
    count,
    async dead(): Promise<Exited | undefined> {
      await restarting?.catch(() => {});
      if (stopped) return undefined;
      const index = running.findIndex((p) => p.ended !== undefined || p.spawnError !== undefined);
      if (index < 0) return undefined;
      const p = running[index]!;
      await until(() => p.drained, 500); // its last words may still be in the pipe
      return { state: 'exited', exitCode: p.ended?.exitCode ?? null, signal: p.ended?.signal ?? null, output: [...p.tail], process: name(index) };
    },
    crashRestart(whileDown = async () => {}): Promise<void> {
      if (restarting !== undefined) throw new IdemgateError('USAGE', 'the workers are already being restarted');
      restarting = (async () => {
        await Promise.all(running.map((p) => endGroup(p, 'SIGKILL', 0)));
        try {
          await whileDown();
        } finally {
          await spawnAll();
        }
      })().finally(() => (restarting = undefined));
      return restarting;
    },
    async stop(): Promise<void> {
      stopped = true;
      await restarting?.catch(() => {});
      // SIGTERM lets a worker close its queue connections; 3 s later whatever is left gets SIGKILL.
      await Promise.all(running.map((p) => endGroup(p, 'SIGTERM', 3000)));
    },
  };
}
