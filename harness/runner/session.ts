import type { IdemgateConfig, RunningTarget } from '../config.ts';
import type { Database, ResetStrategy } from '../db/database.ts';
import { openDatabase } from '../db/open.ts';
import { schemaKey } from '../db/schema-key.ts';
import { resolveDatabase, type DatabaseChoice } from '../db/resolve.ts';
import { fastestReset } from '../db/reset.ts';
import { IdemgateError } from '../errors.ts';
import { createEntityReader, createLedgerReader } from '../invariants/ledger-reader.ts';
import type { EntityReader, LedgerReader } from '../invariants/invariant.ts';
import { startTarget } from '../targets/start.ts';
import type { Tape } from '../tape/schema.ts';
import { mergeTapes } from '../tape/merge.ts';
import { apisFor, knownApis } from '../providers/apis.ts';
import { createUpstream, type RunningUpstream } from '../simulator/serve.ts';

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
  /** Brings the database (and upstream logs) back to empty. */
  reset(): Promise<void>;
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
}

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

    const target = await startTarget(config.target.start, {
      database,
      secrets: config.providers,
      env: { ...upstream.env },
    });
    cleanups.push(() => target.stop());

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
      reset: async () => {
        await resetStrategy.reset(database);
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
