import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { maskSecrets } from '../_internals/mask.ts';
import { IdemgateError } from '../errors.ts';
import { DEFAULT_QUEUE_PREFIX, type RedisStore } from './types.ts';

/** What a queue holds that is not finished: the counts quiescence waits to be zero. */
export const UNFINISHED_STATES = ['waiting', 'active', 'delayed', 'prioritized'] as const;
export type UnfinishedState = (typeof UNFINISHED_STATES)[number];

export interface QueueCounts {
  queue: string;
  counts: Record<UnfinishedState, number>;
}

/** One configured Redis store, connected and checked. */
export interface OpenRedisStore {
  readonly store: RedisStore;
  /** The store's URL with its password masked, for messages. */
  readonly shownUrl: string;
  /**
   * Each configured queue exists: BullMQ wrote its meta hash (`<queuePrefix>:<queue>:meta`), which
   * a `Queue` does when it is constructed and every `add` does. STORE_INVALID otherwise, naming
   * where the queue's keys are if they are under another prefix or in another database.
   */
  verifyQueues(graceMs: number): Promise<void>;
  /** Obliterates the queues, then unlinks every key under the prefix. */
  reset(): Promise<void>;
  /** Unfinished jobs per queue (all configured queues, or `only`). */
  counts(only?: readonly string[]): Promise<QueueCounts[]>;
  /**
   * The redis-drop fault: kills (CLIENT KILL ID) the connections of the target named under this
   * store's `queuePrefix` (BullMQ names a worker's blocking connection `<queuePrefix>:<base64(queue)>…`)
   * or its key `prefix`; returns the names killed. Never idemgate's own connection nor another
   * session's (its prefix differs); unnamed connections cannot be told apart and are left alone.
   */
  dropConnections(): Promise<string[]>;
  close(): Promise<void>;
}

/** `CLIENT LIST` output as id and name per connection. */
export function parseClientList(list: string): { id: string; name: string }[] {
  return list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const fields = new Map(line.trim().split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
      return { id: fields.get('id') ?? '', name: fields.get('name') ?? '' };
    });
}

/** The connections `dropConnections` kills: named under the queue prefix (`prefix:`) or the key prefix, not `own`. */
export function connectionsToDrop(clients: readonly { id: string; name: string }[], own: string, prefixes: readonly string[]): { id: string; name: string }[] {
  return clients.filter((c) => c.id !== own && c.name !== '' && prefixes.some((p) => c.name.startsWith(p)));
}

/** SCAN MATCH pattern for keys starting with `prefix` (its glob characters escaped). */
export const prefixPattern = (prefix: string): string => `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;

/** The database index a redis:// URL names (its path), 0 without one. */
export function databaseOf(url: string): number {
  const path = new URL(url).pathname.replace(/^\/+/, '');
  return path === '' ? 0 : Number(path);
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Connects to a configured Redis store and checks what can be checked before the target runs: the
 * server answers, and the URL's database index exists. STORE_INVALID naming the (masked) URL otherwise.
 */
export async function openRedisStore(store: RedisStore, index: number, connectTimeoutMs = 2000): Promise<OpenRedisStore> {
  const shownUrl = maskSecrets(store.url);
  const where = `target.stores[${index}] (${shownUrl})`;
  const fail = (message: string, queue?: string, cause?: unknown): IdemgateError<'STORE_INVALID'> =>
    new IdemgateError('STORE_INVALID', message, { details: { url: shownUrl, store: index, ...(queue === undefined ? {} : { queue }) }, ...(cause === undefined ? {} : { cause }) });

  let parsed: URL;
  try {
    parsed = new URL(store.url);
  } catch (e) {
    throw fail(`${where}: not a URL (redis://host:port/db)`, undefined, e);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw fail(`${where}: a Redis store's url must be redis:// or rediss://, not ${parsed.protocol}//`);
  const db = databaseOf(store.url);
  if (!Number.isInteger(db) || db < 0) throw fail(`${where}: the path must be a database index (redis://host:port/2), not ${parsed.pathname}`);
  if (store.prefix !== undefined && store.prefix.length === 0) throw fail(`${where}: prefix is empty; idemgate never deletes a whole database — name the prefix your keys start with`);
  if (store.prefix === undefined && (store.queues ?? []).length === 0) throw fail(`${where}: nothing to reset — give a key prefix, queues, or both`);

  // One plain connection for everything; ioredis reconnecting for ever would hide an unreachable server.
  const client = new Redis(store.url, { lazyConnect: true, connectTimeout: connectTimeoutMs, maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false });
  let lastError: unknown;
  client.on('error', (e: unknown) => (lastError = e));
  try {
    await client.connect();
  } catch (e) {
    client.disconnect();
    const cause = lastError ?? e;
    if (/DB index is out of range/i.test(messageOf(cause))) {
      throw fail(`${where}: the Redis server has no database ${db} (${messageOf(cause)}); check the URL's /db`, undefined, cause);
    }
    throw fail(`${where}: Redis is unreachable: ${messageOf(cause)}`, undefined, cause);
  }
  // ioredis selects the database after connecting; make sure it took.
  try {
    await client.select(db);
  } catch (e) {
    client.disconnect();
    throw fail(`${where}: the Redis server has no database ${db} (${messageOf(e)}); check the URL's /db`, undefined, e);
  }

  const queuePrefix = store.queuePrefix ?? DEFAULT_QUEUE_PREFIX;
  const queueNames = store.queues ?? [];
  // skipMetasUpdate: idemgate's own Queue objects must not create the queues they inspect.
  const queues = new Map(queueNames.map((name) => [name, new Queue(name, { connection: client, prefix: queuePrefix, skipMetasUpdate: true })]));

  async function scan(match: string, limit: number, on: Redis = client): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await on.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      found.push(...keys);
      cursor = next;
    } while (cursor !== '0' && found.length < limit);
    return found;
  }

  /** Where a queue's meta key is, if not where configured: other prefixes here, then other databases. */
  async function whereElse(queue: string): Promise<string> {
    const hints: string[] = [];
    const here = (await scan(`*:${prefixPattern(queue).slice(0, -1)}:meta`, 20)).map((k) => k.slice(0, -`:${queue}:meta`.length));
    if (here.length > 0) hints.push(`its keys are in this database under prefix ${here.map((p) => `'${p}'`).join(', ')} — set queuePrefix`);
    const others = (await scan(`${prefixPattern(queuePrefix).slice(0, -1)}:*:meta`, 50)).map((k) => k.slice(queuePrefix.length + 1, -':meta'.length));
    if (others.length > 0) hints.push(`queues under '${queuePrefix}' here: ${[...new Set(others)].sort().join(', ')}`);
    const keyspace = await client.info('keyspace');
    const dbs = [...keyspace.matchAll(/^db(\d+):keys=(\d+)/gm)].map((m) => Number(m[1])).filter((d) => d !== db);
    for (const other of dbs.slice(0, 16)) {
      const probe = client.duplicate({ db: other, lazyConnect: true });
      probe.on('error', () => {});
      try {
        await probe.connect();
        if ((await probe.exists(`${queuePrefix}:${queue}:meta`)) === 1) hints.push(`queue '${queue}' exists in database ${other} — the URL names database ${db}`);
      } finally {
        probe.disconnect();
      }
    }
    return hints.length === 0 ? '' : ` (${hints.join('; ')})`;
  }

  return {
    store,
    shownUrl,
    async verifyQueues(graceMs) {
      for (const name of queueNames) {
        const key = `${queuePrefix}:${name}:meta`;
        const deadline = Date.now() + graceMs;
        let exists = (await client.exists(key)) === 1;
        // A target may create its queue a moment after it answers its health check.
        while (!exists && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 50));
          exists = (await client.exists(key)) === 1;
        }
        if (!exists) {
          throw fail(
            `${where}: queue '${name}' does not exist: BullMQ has no ${key} in database ${db} after the target started${await whereElse(name)}`,
            name,
          );
        }
      }
    },
    async reset() {
      try {
        for (const queue of queues.values()) await queue.obliterate({ force: true });
        if (store.prefix !== undefined) {
          let cursor = '0';
          do {
            const [next, keys] = await client.scan(cursor, 'MATCH', prefixPattern(store.prefix), 'COUNT', 1000);
            if (keys.length > 0) await client.unlink(...keys);
            cursor = next;
          } while (cursor !== '0');
        }
      } catch (e) {
        throw fail(`${where}: reset failed: ${messageOf(e)}`, undefined, e);
      }
    },
    async counts(only) {
      const names = only ?? queueNames;
      const out: QueueCounts[] = [];
      for (const name of names) {
        const queue = queues.get(name);
        if (queue === undefined) throw fail(`${where}: queue '${name}' is not one of this store's queues (${queueNames.join(', ')})`, name);
        const counts = await queue.getJobCounts(...UNFINISHED_STATES);
        out.push({ queue: name, counts: Object.fromEntries(UNFINISHED_STATES.map((s) => [s, counts[s] ?? 0])) as Record<UnfinishedState, number> });
      }
      return out;
    },
    async dropConnections() {
      const own = String(await client.client('ID'));
      const list = String(await client.client('LIST'));
      const prefixes = [`${queuePrefix}:`, ...(store.prefix === undefined ? [] : [store.prefix])];
      const victims = connectionsToDrop(parseClientList(list), own, prefixes);
      for (const v of victims) await client.client('KILL', 'ID', v.id).catch(() => undefined);
      return victims.map((v) => v.name);
    },
    async close() {
      for (const queue of queues.values()) await queue.close().catch(() => {});
      client.disconnect();
    },
  };
}
