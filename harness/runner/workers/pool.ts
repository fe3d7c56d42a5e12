import { Worker } from 'node:worker_threads';
import { adoptTargetGroup } from '../../targets/start.ts';
import { IdemgateError, type IdemgateErrorDetails } from '../../errors.ts';
import type { LedgerRow } from '../../invariants/invariant.ts';
import type { ScheduleDraw } from '../result.ts';
import type { ExecutedSchedule, FromWorker, ToWorker, WorkerData } from './protocol.ts';

/**
 * Schedule executors beside the main thread's own session: each a worker thread with its own
 * target instance and database (a fresh PGlite loaded from the snapshot, or its own PostgreSQL
 * database), loading the same config and scenario files.
 */
export interface WorkerPool {
  /** Worker threads running (the main thread's session is not counted). */
  readonly size: number;
  /** Gives every worker a scenario's clean-replay ledger (the oracle it judges schedules against). */
  prepare(scenario: string, baseline: readonly LedgerRow[]): Promise<void>;
  /** Executes a draw of `scenario` on worker `worker` (0-based). */
  execute(worker: number, scenario: string, draw: ScheduleDraw): Promise<ExecutedSchedule>;
  close(): Promise<void>;
}

export interface WorkerPoolOptions {
  /** The config file the workers load (the main thread's own). */
  configFile: string;
  scenarios: readonly string[];
  databaseUrl?: string | null;
  /** Worker threads to start. */
  size: number;
}

interface Handle {
  worker: Worker;
  /** Resolvers waiting on this worker, by request id (`prepare` uses its scenario name). */
  waiting: Map<string, { resolve: (m: FromWorker) => void; reject: (e: Error) => void }>;
  exited: string | undefined;
}

/**
 * A worker's target that died or hung keeps its code and details (the runner names the schedule);
 * anything else is a worker that failed.
 */
const workerError = (index: number, error: { code: string; message: string; details?: unknown }): IdemgateError =>
  error.code === 'TARGET_CRASHED'
    ? new IdemgateError('TARGET_CRASHED', error.message, { details: error.details as IdemgateErrorDetails['TARGET_CRASHED'] })
    : error.code === 'TARGET_UNRESPONSIVE'
      ? new IdemgateError('TARGET_UNRESPONSIVE', error.message, { details: error.details as IdemgateErrorDetails['TARGET_UNRESPONSIVE'] })
      : new IdemgateError('TARGET_START_FAILED', `schedule worker ${index}: ${error.message}`);

/**
 * Starts `size` worker threads and waits until each has its session open.
 *
 * @example
 * const pool = await openWorkerPool({ configFile, scenarios: ['stripe-webhooks'], size: 1 });
 * await pool.prepare('stripe-webhooks', baselineRows);
 * const executed = await pool.execute(0, 'stripe-webhooks', draw);
 */
export async function openWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  // Without vitest's variables: scenario files register vitest tests when they see them.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const handles: Handle[] = [];
  let nextId = 0;

  const start = (index: number): Promise<Handle> => {
    const workerData: WorkerData = {
      configFile: options.configFile,
      scenarios: [...options.scenarios],
      ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
      index,
    };
    const worker = new Worker(new URL('./entry.js', import.meta.url), { workerData, env, stdout: false, stderr: false });
    const handle: Handle = { worker, waiting: new Map(), exited: undefined };
    handles.push(handle);
    return new Promise((resolve, reject) => {
      handle.waiting.set('ready', { resolve: () => resolve(handle), reject });
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'group') {
          adoptTargetGroup(message.pgid, message.live);
          return;
        }
        const key = message.type === 'ready' ? 'ready' : message.type === 'prepared' ? `prepare:${message.scenario}` : message.id === undefined ? undefined : String(message.id);
        const waiter = key === undefined ? undefined : handle.waiting.get(key);
        if (message.type === 'failed') {
          const error = workerError(index, message.error);
          if (waiter !== undefined && key !== undefined) {
            handle.waiting.delete(key);
            waiter.reject(error);
          } else for (const w of handle.waiting.values()) w.reject(error);
          return;
        }
        if (waiter !== undefined && key !== undefined) {
          handle.waiting.delete(key);
          waiter.resolve(message);
        }
      });
      const gone = (reason: string): void => {
        handle.exited = reason;
        for (const w of handle.waiting.values()) w.reject(new IdemgateError('TARGET_START_FAILED', `schedule worker ${index} ${reason}`));
        handle.waiting.clear();
      };
      worker.on('error', (e) => gone(`failed: ${e.message}`));
      worker.on('exit', (code) => gone(`exited with ${code}`));
    });
  };

  const request = (handle: Handle, key: string, message: ToWorker): Promise<FromWorker> => {
    if (handle.exited !== undefined) return Promise.reject(new IdemgateError('TARGET_START_FAILED', `schedule worker ${handles.indexOf(handle) + 1} ${handle.exited}`));
    return new Promise((resolve, reject) => {
      handle.waiting.set(key, { resolve, reject });
      handle.worker.postMessage(message);
    });
  };

  const close = async (): Promise<void> => {
    await Promise.all(
      handles.map(async (h) => {
        if (h.exited !== undefined) return;
        const exited = new Promise<void>((r) => h.worker.once('exit', () => r()));
        h.worker.postMessage({ type: 'close' } satisfies ToWorker);
        const timer = setTimeout(() => void h.worker.terminate(), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  };

  try {
    await Promise.all(Array.from({ length: options.size }, (_, i) => start(i + 1)));
  } catch (e) {
    await close();
    throw e;
  }

  return {
    size: handles.length,
    async prepare(scenario, baseline) {
      await Promise.all(handles.map((h) => request(h, `prepare:${scenario}`, { type: 'prepare', scenario, baseline: [...baseline] })));
    },
    async execute(worker, scenario, draw) {
      const id = nextId++;
      const reply = await request(handles[worker]!, String(id), { type: 'execute', id, scenario, draw });
      if (reply.type !== 'executed') throw new IdemgateError('INTERNAL', `schedule worker ${worker + 1} answered ${reply.type} to a schedule`);
      return reply.result;
    },
    close,
  };
}
