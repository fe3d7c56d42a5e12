/*
 * A session with target stores and quiescence, on the machine's Redis (skipped with the reason
 * printed when it is unreachable): stores are checked before the target starts, queues once it is
 * up, reset after the database, and a schedule waits for the queues to drain.
 */
import { resolve } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateNaive, startNaive } from '../cli/testdata/naive-target.ts';
import { defineConfig, type IdemgateConfig } from '../config.ts';
import { IdemgateError } from '../errors.ts';
import { freePort } from '../targets/start.ts';
import { dropPrefix, redisUnavailable, TEST_REDIS_URL, uniquePrefix } from '../stores/_testing/redis.ts';
import { openSession, type Session } from './session.ts';

const unavailable = await redisUnavailable();
if (unavailable !== undefined) console.warn(`skipping the session store tests: ${unavailable}`);

const rootDir = resolve(import.meta.dirname, '../..');
const base = uniquePrefix('session');
const cleanup = new Redis(TEST_REDIS_URL, { lazyConnect: true });
cleanup.on('error', () => {});
afterAll(async () => {
  if (unavailable === undefined) await dropPrefix(cleanup, base);
  cleanup.disconnect();
});

/** An in-process target that creates a BullMQ queue named `queue` under its session's prefix, as a queue-backed service would. */
function configWith(target: Partial<IdemgateConfig['target']>, queue = 'bookings', started: string[] = []): IdemgateConfig {
  let producer: { queue: Queue; conn: Redis } | undefined;
  return defineConfig({
    target: {
      start: {
        kind: 'in-process',
        start: async ({ database, env }) => {
          started.push(env.IDEMGATE_SESSION!);
          const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
          producer = { queue: new Queue(queue, { connection: conn, prefix: `${base}${env.IDEMGATE_SESSION}:bull` }), conn };
          await producer.queue.waitUntilReady();
          const running = await startNaive(database);
          return {
            ...running,
            stop: async () => {
              await producer?.queue.close();
              producer?.conn.disconnect();
              await running.stop();
            },
          };
        },
      },
      stores: [{ kind: 'redis', url: `${TEST_REDIS_URL}/0`, prefix: `${base}{IDEMGATE_SESSION}:cache:`, queues: ['bookings'], queuePrefix: `${base}{IDEMGATE_SESSION}:bull` }],
      ...target,
    },
    providers: { stripe: { endpointSecret: 'whsec_session_test' } },
    database: { migrate: migrateNaive },
  });
}

async function rejection(p: Promise<unknown>): Promise<IdemgateError> {
  const e = await p.then(
    (s) => {
      void (s as Session).close();
      throw new Error('the session opened');
    },
    (x: unknown) => x,
  );
  if (!(e instanceof IdemgateError)) throw e;
  return e;
}

describe.skipIf(unavailable !== undefined)('a session with target stores', () => {
  it('refuses an unreachable Redis before the target starts, naming the URL', async () => {
    const started: string[] = [];
    const port = await freePort();
    const config = configWith({ stores: [{ kind: 'redis', url: `redis://:s3cretpass@127.0.0.1:${port}/1`, queues: ['bookings'] }] }, 'bookings', started);
    const e = await rejection(openSession({ config, rootDir, tapes: [], databaseUrl: null }));
    expect(e.code).toBe('STORE_INVALID');
    expect(e.message).toContain(`target.stores[0] (redis://:***@127.0.0.1:${port}/1): Redis is unreachable`);
    expect(started).toEqual([]);
  }, 60_000);

  it('refuses a queue the target never created, naming it and the queues that do exist', async () => {
    const config = configWith({}, 'booking'); // the target's queue is 'booking'; the config says 'bookings'
    const e = await rejection(openSession({ config, rootDir, tapes: [], databaseUrl: null }));
    expect(e.code).toBe('STORE_INVALID');
    expect(e.details).toMatchObject({ queue: 'bookings', store: 0 });
    expect(e.message).toMatch(/queue 'bookings' does not exist: BullMQ has no .*:bull:bookings:meta in database 0 after the target started \(queues under '.*:bull' here: booking\)/);
  }, 60_000);

  it('gives the target its session id, waits for the queues to drain, and resets them after the database', async () => {
    const started: string[] = [];
    const config = configWith({ quiescence: { probes: [{ kind: 'queues' }], timeoutMs: 300, pollMs: 10 } }, 'bookings', started);
    const session = await openSession({ config, rootDir, tapes: [], databaseUrl: null });
    const conn = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const prefix = `${base}${session.id}:bull`;
    const queue = new Queue('bookings', { connection: conn, prefix });
    let worker: Worker | undefined;
    try {
      expect(started).toEqual([session.id]);
      await queue.add('book', {}, { jobId: 'evt_1' });
      await conn.set(`${base}${session.id}:cache:k`, 'v');

      // Nobody works the queue: the wait ends in TARGET_NOT_QUIESCENT with the counts it last saw.
      const busy = await session.quiesce().catch((x: unknown) => x);
      expect(busy).toBeInstanceOf(IdemgateError);
      expect((busy as IdemgateError<'TARGET_NOT_QUIESCENT'>).details.lastAnswer).toBe('bookings: waiting 1, active 0, delayed 0, prioritized 0');

      worker = new Worker('bookings', async () => {}, { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), prefix });
      const waited = await session.quiesce();
      expect(waited?.polls).toBeGreaterThanOrEqual(1);
      expect(session.quietStats.count).toBe(1);

      await session.reset();
      expect(await conn.keys(`${prefix}:bookings:*`)).toEqual([]);
      expect(await conn.exists(`${base}${session.id}:cache:k`)).toBe(0);
    } finally {
      await worker?.close();
      await queue.close();
      conn.disconnect();
      await session.close();
    }
  }, 60_000);
});
