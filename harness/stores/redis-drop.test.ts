import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openStores } from './index.ts';
import { connectionsToDrop, parseClientList } from './redis.ts';
import { dropPrefix, redisUnavailable, testClient, TEST_REDIS_URL, uniquePrefix } from './_testing/redis.ts';

describe('which Redis connections the redis-drop fault kills', () => {
  it("only those named under the store's prefixes, never its own", () => {
    const list = 'id=7 addr=127.0.0.1:1 name=qs:s1:c3RyaXBl laddr=x\nid=8 addr=127.0.0.1:2 name= laddr=x\nid=9 addr=127.0.0.1:3 name=qs:s2:c3RyaXBl\nid=10 name=qs:s1:own\n';
    const clients = parseClientList(list);
    expect(clients.map((c) => c.id)).toEqual(['7', '8', '9', '10']);
    expect(connectionsToDrop(clients, '10', ['qs:s1:'])).toEqual([{ id: '7', name: 'qs:s1:c3RyaXBl' }]);
  });
});

const unavailable = await redisUnavailable();
if (unavailable !== undefined) console.warn(`skipping the redis-drop test: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('redis-drop on a real Redis', () => {
  const mine = uniquePrefix('drop');
  const theirs = uniquePrefix('drop-other');
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn().catch(() => {});
    const client = testClient();
    await dropPrefix(client, mine);
    await dropPrefix(client, theirs);
    client.disconnect();
  });

  it("kills the session's BullMQ worker connections, which reconnect, and leaves another session's alone", async () => {
    const queuePrefix = `${mine}bull`;
    const otherPrefix = `${theirs}bull`;
    const worker = (prefix: string): Worker => {
      const w = new Worker('payments', async () => 'done', { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), prefix });
      w.on('error', () => {});
      cleanup.push(() => w.close());
      return w;
    };
    const w1 = worker(queuePrefix);
    const w2 = worker(otherPrefix);
    await Promise.all([w1.waitUntilReady(), w2.waitUntilReady()]);
    const queue = new Queue('payments', { connection: new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null }), prefix: queuePrefix });
    cleanup.push(() => queue.close());
    await queue.waitUntilReady();
    const stores = await openStores([{ kind: 'redis', url: TEST_REDIS_URL, prefix: mine, queues: ['payments'], queuePrefix }], { session: 's', baseUrl: () => '' });
    cleanup.push(() => stores.close());
    const names = async (prefix: string): Promise<string[]> => {
      const c = testClient();
      try {
        return parseClientList(String(await c.client('LIST'))).map((x) => x.name).filter((n) => n.startsWith(prefix));
      } finally {
        c.disconnect();
      }
    };
    const otherBefore = await names(otherPrefix);
    expect(otherBefore.length).toBeGreaterThan(0);

    const dropped = await stores.dropConnections();

    expect(dropped.length).toBeGreaterThan(0);
    expect(dropped.every((n) => n.startsWith(`${queuePrefix}:`))).toBe(true);
    expect(await names(otherPrefix)).toEqual(otherBefore);
    // ioredis reconnects: the worker still takes jobs.
    const job = await queue.add('p', {});
    for (let i = 0; i < 200 && (await job.getState()) !== 'completed'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await job.getState()).toBe('completed');
  }, 30_000);
});
