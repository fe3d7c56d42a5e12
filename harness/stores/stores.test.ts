import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../targets/start.ts';
import { IdemgateError } from '../errors.ts';
import { openStores, storesForSession, type TargetStores } from './index.ts';
import { prefixPattern } from './redis.ts';
import { dropPrefix, redisUnavailable, testClient, TEST_REDIS_URL, uniquePrefix } from './_testing/redis.ts';

const unavailable = await redisUnavailable();
if (unavailable !== undefined) console.warn(`skipping harness/stores tests: ${unavailable}`);

const noBaseUrl = () => 'http://127.0.0.1:1';

async function caught(p: Promise<unknown>): Promise<IdemgateError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof IdemgateError) return e;
    throw e;
  }
  throw new Error('expected an IdemgateError');
}

describe.skipIf(unavailable !== undefined)('target stores on Redis', () => {
  let client: Redis;
  let other: Redis;
  const prefix = uniquePrefix('stores');
  const queuePrefix = `${prefix}bull`;
  const otherDb = 3;
  beforeAll(() => {
    client = testClient(0);
    other = testClient(otherDb);
  });
  afterAll(async () => {
    await dropPrefix(client, prefix);
    await dropPrefix(other, prefix);
    await client.unlink(`${prefix.slice(0, -1)}-outside`);
    client.disconnect();
    other.disconnect();
  });

  it('obliterates the named queues and deletes only keys under the prefix, in the URL\'s database only', async () => {
    const producer = testClient(0);
    const queue = new Queue('payments', { connection: producer, prefix: queuePrefix });
    await queue.add('booking', { n: 1 }, { jobId: 'evt_1' });
    await queue.add('booking', { n: 2 }, { jobId: 'evt_2', delay: 60_000 });
    await client.set(`${prefix}cache:order:1`, 'x');
    await client.set(`${prefix.slice(0, -1)}-outside`, 'kept'); // shares the text, not the prefix
    await other.set(`${prefix}cache:order:1`, 'other-db');
    const stores = await openStores([{ kind: 'redis', url: `${TEST_REDIS_URL}/0`, prefix: `${prefix}cache:`, queues: ['payments'], queuePrefix }], { session: 's', baseUrl: noBaseUrl });
    try {
      await stores.verify();
      expect((await stores.queueCounts())[0]!.counts).toMatchObject({ waiting: 1, delayed: 1 });

      await stores.reset();

      expect(await client.keys(`${prefixPattern(queuePrefix)}:payments:*`)).toEqual([]);
      expect(await client.exists(`${prefix}cache:order:1`)).toBe(0);
      expect(await client.get(`${prefix.slice(0, -1)}-outside`)).toBe('kept');
      expect(await other.get(`${prefix}cache:order:1`)).toBe('other-db');
      expect((await stores.queueCounts())[0]!.counts).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0 });
      // The same job id can be added again: BullMQ's dedupe forgot the previous schedule's job.
      expect((await queue.add('booking', { n: 1 }, { jobId: 'evt_1' })).id).toBe('evt_1');
      expect((await stores.queueCounts(['payments']))[0]!.counts.waiting).toBe(1);
    } finally {
      await stores.close();
      await queue.close();
      producer.disconnect();
    }
  });

  it('puts the session id in the prefix, the queue prefix and the URL', () => {
    const [store] = storesForSession([{ kind: 'redis', url: 'redis://h:1/0', prefix: 'qs:{IDEMGATE_SESSION}:', queuePrefix: 'qs:{IDEMGATE_SESSION}:bull', queues: ['q'] }], 'ig42');
    expect(store).toEqual({ kind: 'redis', url: 'redis://h:1/0', prefix: 'qs:ig42:', queuePrefix: 'qs:ig42:bull', queues: ['q'] });
  });

  it('refuses an unreachable Redis, naming the URL with its password masked', async () => {
    const port = await freePort();
    const url = `redis://:hunter2secret@127.0.0.1:${port}/0`;
    const e = await caught(openStores([{ kind: 'redis', url, prefix: 'x:' }], { session: 's', baseUrl: noBaseUrl }));
    expect(e.code).toBe('STORE_INVALID');
    expect(e.message).toContain(`redis://:***@127.0.0.1:${port}/0`);
    expect(e.message).toMatch(/unreachable.*ECONNREFUSED/);
    expect(e.message).not.toContain('hunter2secret');
  });

  it('refuses a database index the server does not have', async () => {
    const e = await caught(openStores([{ kind: 'redis', url: `${TEST_REDIS_URL}/999`, prefix: 'x:' }], { session: 's', baseUrl: noBaseUrl }));
    expect(e.code).toBe('STORE_INVALID');
    expect(e.message).toMatch(/has no database 999/);
  });

  it('refuses an empty prefix and a store with nothing to reset: it never deletes a whole database', async () => {
    expect((await caught(openStores([{ kind: 'redis', url: TEST_REDIS_URL, prefix: '' }], { session: 's', baseUrl: noBaseUrl }))).message).toMatch(/prefix is empty/);
    expect((await caught(openStores([{ kind: 'redis', url: TEST_REDIS_URL }], { session: 's', baseUrl: noBaseUrl }))).message).toMatch(/nothing to reset/);
  });

  it('names a queue BullMQ never created, and where its keys are when they are in another database', async () => {
    const producer = testClient(otherDb);
    const elsewhere = new Queue('refunds', { connection: producer, prefix: queuePrefix });
    await elsewhere.waitUntilReady();
    await new Promise((r) => setTimeout(r, 50)); // the meta hash is written just after ready
    const stores = await openStores([{ kind: 'redis', url: `${TEST_REDIS_URL}/0`, queues: ['refunds'], queuePrefix }], { session: 's', baseUrl: noBaseUrl, queueGraceMs: 100 });
    try {
      const e = await caught(stores.verify());
      expect(e.code).toBe('STORE_INVALID');
      expect(e.details).toMatchObject({ queue: 'refunds', store: 0 });
      expect(e.message).toContain(`queue 'refunds' does not exist`);
      expect(e.message).toContain(`queue 'refunds' exists in database ${otherDb} — the URL names database 0`);
    } finally {
      await stores.close();
      await elsewhere.close();
      producer.disconnect();
    }
  });
});

describe('reset hooks', () => {
  let server: Server;
  let status = 204;
  const calls: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      calls.push(`${req.method} ${req.url}`);
      res.writeHead(status).end(status >= 300 ? 'reset refused' : '');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const base = (): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  it('calls a hook given as a path on the target, and requires 2xx', async () => {
    const stores: TargetStores = await openStores([{ kind: 'http', url: '/test/reset' }], { session: 's', baseUrl: base });
    await stores.reset();
    expect(calls).toEqual(['POST /test/reset']);
    status = 500;
    const e = await caught(stores.reset());
    expect(e.code).toBe('STORE_INVALID');
    expect(e.message).toContain(`reset hook POST ${base()}/test/reset answered 500: reset refused (2xx required)`);
  });
});
