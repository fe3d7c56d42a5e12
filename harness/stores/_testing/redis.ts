import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis tests use: REDIS_URL, else the machine's 127.0.0.1:6379. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis cannot be used here (printed when a test is skipped), or undefined when it answers PING. */
export async function redisUnavailable(url = TEST_REDIS_URL): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (e) {
    return `Redis at ${url} is unreachable (${(e as Error).message}); start it with redis-server (see .ci/run)`;
  } finally {
    client.disconnect();
  }
}

/** A key prefix no other test (or test process) uses: tests never share a Redis key space. */
export const uniquePrefix = (what: string): string => `igtest:${what}:${process.pid}:${randomBytes(4).toString('hex')}:`;

/** A plain client on `db` (for arranging and asserting). */
export const testClient = (db = 0): Redis => new Redis(TEST_REDIS_URL, { db, maxRetriesPerRequest: 1 });

/** Deletes the keys under a test's own prefix (never more). */
export async function dropPrefix(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
