import { threadId } from 'node:worker_threads';
import type { IdemgateConfig, RunningTarget } from '../config.ts';
import type { RunningWorkers } from '../targets/types.ts';
import type { Database, ResetStrategy } from '../db/database.ts';
import { openDatabase } from '../db/open.ts';
import { schemaKey } from '../db/schema-key.ts';
import { resolveDatabase, type DatabaseChoice } from '../db/resolve.ts';
import { fastestReset } from '../db/reset.ts';
import { IdemgateError } from '../errors.ts';
import { createEntityReader, createLedgerReader } from '../invariants/ledger-reader.ts';
import type { EntityReader, LedgerReader } from '../invariants/invariant.ts';
import { startTarget } from '../targets/start.ts';
import { startWorkers } from '../targets/workers.ts';
import { healthOf, targetDownError } from './target-health.ts';
import type { Tape } from '../tape/schema.ts';
import { mergeTapes } from '../tape/merge.ts';
import { apisFor, knownApis } from '../providers/apis.ts';
import { createUpstream, type RunningUpstream } from '../simulator/serve.ts';
import { openStores, type TargetStores } from '../stores/index.ts';
import { createProbes } from '../quiescence/probes.ts';
import { waitForQuiet, type QuietWait } from '../quiescence/wait.ts';
import type { Clock } from '../replay/clock.ts';

/**
 * Everything a scenario run needs that is expensive to set up once: the database (migrated),
 * the simulated upstream APIs and the running target. Scenarios run one after another on it,
 * each schedule starting from a reset database.
 */
export interface Session {
  readonly config: IdemgateConfig;
  readonly database: Database;
  readonly target: RunningTarget;
  /** Undefined when the config maps no ledger. */
  readonly ledger: LedgerReader | undefined;
  readonly entities: EntityReader | undefined;
  /** The simulated provider APIs the target calls (scenario extensions load fault plans into it). */
  readonly upstream: RunningUpstream;
  readonly rootDir: string;
  /** How `reset` empties the database: the config's, else the fastest correct one for this schema (`fastestReset`). */
  readonly resetStrategy: ResetStrategy;
  /** The target's stores (`target.stores`), connected; undefined when none are configured. */
  readonly stores: TargetStores | undefined;
  /** This session's id: `{IDEMGATE_SESSION}` in store strings, IDEMGATE_SESSION in the target's env. */
  readonly id: string;
  /** Brings the database, the target's stores (and upstream logs) back to empty. */
  reset(): Promise<void>;
  /**
   * Waits until the target's asynchronous work is done (`target.quiescence`); TARGET_NOT_QUIESCENT
   * after its timeout. Undefined at once when no quiescence is configured.
   */
  quiesce(): Promise<QuietWait | undefined>;
  /** How long the waits for quiescence took so far (count, total and longest, in ms). */
  readonly quietStats: { count: number; totalMs: number; maxMs: number };
  close(): Promise<void>;
}

export interface SessionOptions {
  config: IdemgateConfig;
  /** Folder tape paths and the reports dir are resolved against. */
  rootDir: string;
  /** Tapes whose recorded upstream answers the simulated APIs must serve. */
  tapes: readonly Tape[];
  /** Overrides config.database.url and DATABASE_URL; `null` forces embedded PGlite (`resolveDatabase`). */
  databaseUrl?: string | null;
  /** What the waits for quiescence poll by. Default: the system clock. */
  clock?: Clock;
}

let sessions = 0;

/** The target with its harness-owned workers: a dead worker is the target's death. The session's clean-up stops them. */
function withWorkers(target: RunningTarget, workers: RunningWorkers, health: NonNullable<RunningTarget['health']>): RunningTarget {
  return { ...target, workers, health: async (options) => (await workers.dead()) ?? health(options) };
}

/** A session id unique on this machine for as long as it matters: process, worker thread, counter, random. */
const newSessionId = (): string =>
  `ig${process.pid.toString(36)}t${threadId.toString(36)}s${(sessions++).toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;

/** The database a session with these options opens (see `resolveDatabase`). */
export const sessionDatabase = (options: Pick<SessionOptions, 'config' | 'databaseUrl'>): DatabaseChoice =>
  resolveDatabase({ chosen: options.databaseUrl, configUrl: options.config.database?.url });

export async function openSession(options: SessionOptions): Promise<Session> {
  const { config } = options;
  const cleanups: (() => Promise<void>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };
  try {
    // Stores are checked first, before the database opens and the target starts (reachable, the right
    // database index); their queues once the target is up.
    const id = newSessionId();
    let baseUrl = '';
    const stores =
      config.target.stores === undefined || config.target.stores.length === 0
        ? undefined
        : await openStores(config.target.stores, { session: id, baseUrl: () => baseUrl });
    if (stores !== undefined) {
      // Runs after the target stopped: the last schedule's keys do not outlive the session.
      cleanups.push(async () => {
        await stores.reset().catch(() => {});
        await stores.close();
      });
    }

    const needsUrl = config.target.start.kind !== 'in-process';
    const migrate = config.database?.migrate;
    const schemaFiles = config.database?.schemaFiles;
    const database = await openDatabase(sessionDatabase(options), {
      isolate: true,
      ...(migrate === undefined
        ? {}
        : {
            prepare: {
              migrate,
              serve: needsUrl,
              ...(schemaFiles === undefined ? {} : { key: await schemaKey(schemaFiles, options.rootDir, String(migrate)) }),
            },
          }),
    });
    cleanups.push(() => database.close());
    if (needsUrl) await database.serve();

    const merged = options.tapes.length > 0 ? mergeTapes(options.tapes) : undefined;
    // Serves the APIs the tapes' providers call; every known API's base-URL variable is still set,
    // so a target configured with all of them starts (and a call to an unserved one is a clear 404).
    const { served, unserved } = apisFor(
      options.tapes.flatMap((tape) => tape.exchanges.map((x) => x.provider)),
      knownApis(config.apis),
    );
    const upstream = await createUpstream({ apis: served, unserved, tape: merged, secrets: config.providers });
    cleanups.push(() => upstream.close());

    const targetEnv = { ...upstream.env, IDEMGATE_SESSION: id, IDEMGATE_TIME_SCALE: String(config.target.timeScale ?? 1) };
    const started = await startTarget(config.target.start, { database, secrets: config.providers, env: targetEnv });
    cleanups.push(() => started.stop());
    baseUrl = started.baseUrl;
    // Workers start once the target is healthy: its start-up (migrations) has run before any job is taken.
    const workers =
      config.target.workers === undefined
        ? undefined
        : await startWorkers(
            config.target.workers,
            { ...targetEnv, port: new URL(baseUrl).port, databaseUrl: database.url ?? '' },
            { ...(process.env as Record<string, string>), ...targetEnv, DATABASE_URL: database.url ?? '' },
          );
    if (workers !== undefined) cleanups.push(() => workers.stop());
    const target = workers === undefined ? started : withWorkers(started, workers, healthOf({ config, target: started }));
    await stores?.verify();
    const quiescence = config.target.quiescence;
    const probes =
      quiescence === undefined
        ? undefined
        : createProbes(quiescence.probes, { database, baseUrl: () => baseUrl, stores, requestTimeoutMs: config.target.requestTimeoutMs ?? 5000 });
    const quietStats = { count: 0, totalMs: 0, maxMs: 0 };

    const ledger = config.ledger ? await createLedgerReader(database, config.ledger) : undefined;
    const entities = config.entities ? await createEntityReader(database, config.entities) : undefined;
    const resetStrategy: ResetStrategy = config.database?.reset ?? fastestReset();
    return {
      config,
      database,
      target,
      ledger,
      entities,
      upstream,
      rootDir: options.rootDir,
      resetStrategy,
      stores,
      id,
      quietStats,
      quiesce: async () => {
        if (quiescence === undefined || probes === undefined) return undefined;
        const waited = await waitForQuiet(probes, {
          timeoutMs: quiescence.timeoutMs ?? 10_000,
          pollMs: quiescence.pollMs ?? 5,
          quietPolls: quiescence.quietPolls ?? 1,
          ...(options.clock === undefined ? {} : { clock: options.clock }),
        }).catch(async (e: unknown) => {
          // A queue that never drains because its worker died is that worker's death, not a slow target.
          const dead = await workers?.dead();
          throw dead === undefined ? e : targetDownError(dead);
        });
        quietStats.count++;
        quietStats.totalMs += waited.waitedMs;
        quietStats.maxMs = Math.max(quietStats.maxMs, waited.waitedMs);
        return waited;
      },
      reset: async () => {
        await resetStrategy.reset(database);
        await stores?.reset();
        // Forgets the upstream's calls, `use`d handlers (a fault layer) and APIs' state; an upstream extension then adds its layer.
        upstream.reset();
      },
      close: closeAll,
    };
  } catch (e) {
    await closeAll();
    if (e instanceof IdemgateError) throw e;
    throw new IdemgateError('TARGET_START_FAILED', `could not open a session: ${(e as Error).message}`, { cause: e });
  }
}
