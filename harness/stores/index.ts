import { IdemgateError } from '../errors.ts';
import { callResetHook } from './http.ts';
import type { OpenRedisStore, QueueCounts } from './redis.ts';
import { SESSION_PLACEHOLDER, type HttpStore, type RedisStore, type TargetStore } from './types.ts';

export type { HttpStore, RedisStore, TargetStore } from './types.ts';
export { SESSION_PLACEHOLDER, DEFAULT_QUEUE_PREFIX } from './types.ts';
export type { QueueCounts, UnfinishedState } from './redis.ts';

/** A session's stores, connected: what the harness resets between schedules and reads for quiescence. */
export interface TargetStores {
  /** The stores as configured, with `{IDEMGATE_SESSION}` replaced. */
  readonly stores: readonly TargetStore[];
  /** Whether any Redis store names BullMQ queues. */
  readonly hasQueues: boolean;
  /** Run once the target is up: every configured queue exists (see OpenRedisStore.verifyQueues). */
  verify(): Promise<void>;
  /** Obliterates the queues, deletes the prefixed keys, calls the reset hooks — in config order. */
  reset(): Promise<void>;
  /** Unfinished jobs of every configured queue (or of `only`). */
  queueCounts(only?: readonly string[]): Promise<QueueCounts[]>;
  /** Drops the target's named connections to every Redis store (OpenRedisStore.dropConnections); the names dropped. */
  dropConnections(): Promise<string[]>;
  close(): Promise<void>;
}

export interface OpenStoresOptions {
  /** Replaces `{IDEMGATE_SESSION}` in the stores' strings. */
  session: string;
  /** The running target's base URL, for reset hooks given as a path. */
  baseUrl: () => string;
  /** How long a queue may take to appear after the target started. Default 2000 ms. */
  queueGraceMs?: number;
  /** Per reset hook call. Default 5000 ms. */
  hookTimeoutMs?: number;
}

const withSession = (value: string, session: string): string => value.split(SESSION_PLACEHOLDER).join(session);

/** The stores with the session's id in place of `{IDEMGATE_SESSION}`. */
export function storesForSession(stores: readonly TargetStore[], session: string): TargetStore[] {
  return stores.map((s): TargetStore => {
    if (s.kind === 'http') return { ...s, url: withSession(s.url, session) };
    const out: RedisStore = { ...s, url: withSession(s.url, session) };
    if (s.prefix !== undefined) out.prefix = withSession(s.prefix, session);
    if (s.queuePrefix !== undefined) out.queuePrefix = withSession(s.queuePrefix, session);
    return out;
  });
}

/**
 * Connects to every Redis store and checks it before the target starts (reachable, its database
 * index exists); STORE_INVALID naming the masked URL otherwise. Reset hooks are only called later.
 *
 * @example
 * const stores = await openStores(config.target.stores ?? [], { session: 'ig1a2b', baseUrl: () => target.baseUrl });
 * await stores.verify();   // once the target is up
 * await stores.reset();    // between schedules
 */
export async function openStores(configured: readonly TargetStore[], options: OpenStoresOptions): Promise<TargetStores> {
  const stores = storesForSession(configured, options.session);
  const opened: (OpenRedisStore | { hook: HttpStore; index: number })[] = [];
  try {
    for (const [index, store] of stores.entries()) {
      // bullmq and ioredis load only for a config that names a Redis store.
      opened.push(store.kind === 'redis' ? await (await import('./redis.ts')).openRedisStore(store, index) : { hook: store, index });
    }
  } catch (e) {
    for (const o of opened) if ('close' in o) await o.close();
    throw e;
  }
  const redis = opened.filter((o): o is OpenRedisStore => 'close' in o);
  const queueOwners = new Map<string, OpenRedisStore>();
  for (const r of redis) for (const q of r.store.queues ?? []) queueOwners.set(q, r);
  return {
    stores,
    hasQueues: queueOwners.size > 0,
    async verify() {
      for (const r of redis) await r.verifyQueues(options.queueGraceMs ?? 2000);
    },
    async reset() {
      for (const o of opened) {
        if ('close' in o) await o.reset();
        else await callResetHook(o.hook, o.index, options.baseUrl(), options.hookTimeoutMs ?? 5000);
      }
    },
    async queueCounts(only) {
      if (only === undefined) return (await Promise.all(redis.map((r) => r.counts()))).flat();
      const unknown = only.filter((q) => !queueOwners.has(q));
      if (unknown.length > 0) {
        throw new IdemgateError('CONFIG_INVALID', `target.quiescence names queue ${unknown.join(', ')}, which no Redis store in target.stores lists (${[...queueOwners.keys()].join(', ') || 'none'})`, {
          details: { path: 'target.quiescence' },
        });
      }
      return (await Promise.all(only.map((q) => queueOwners.get(q)!.counts([q])))).flat();
    },
    async dropConnections() {
      return (await Promise.all(redis.map((r) => r.dropConnections()))).flat();
    },
    async close() {
      for (const r of redis) await r.close();
    },
  };
}

/** Brings every store of a session back to empty (the session calls it after the database reset). */
export const resetStores = (stores: TargetStores): Promise<void> => stores.reset();
