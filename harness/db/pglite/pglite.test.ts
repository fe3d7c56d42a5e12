import { describe, expect, it } from 'vitest';
import { databaseContract } from '../database.contract.ts';
import { corkWritesPerTick, openPglite } from './pglite.ts';

databaseContract('pglite', openPglite);

describe('openPglite', () => {
  it('is kind pglite, has no URL until served, and exposes its PGlite client', async () => {
    const db = await openPglite();
    try {
      expect(db.kind).toBe('pglite');
      expect(db.url).toBeUndefined();
      expect(db.native.kind).toBe('pglite');
      const url = await db.serve();
      expect(db.url).toBe(url);
      expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
    } finally {
      await db.close();
    }
  });
});

describe('corkWritesPerTick', () => {
  it('sends the writes made within one tick together, and later writes again', async () => {
    const { createServer, connect } = await import('node:net');
    const received: Buffer[] = [];
    const server = createServer((socket) => {
      corkWritesPerTick(socket);
      const flushes: number[] = [];
      const writev = (socket as unknown as { _writev: (chunks: unknown[], cb: () => void) => void })._writev.bind(socket);
      (socket as unknown as { _writev: (chunks: unknown[], cb: () => void) => void })._writev = (chunks, cb) => {
        flushes.push(chunks.length);
        writev(chunks, cb);
      };
      socket.write('a');
      socket.write('b');
      socket.write('c');
      setImmediate(() => {
        socket.end('d', () => server.emit('flushes', flushes));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const flushes = new Promise<number[]>((r) => server.once('flushes', r));
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    client.on('data', (d: Buffer) => received.push(d));
    await new Promise((r) => client.on('end', r));
    server.close();
    expect(Buffer.concat(received).toString()).toBe('abcd');
    // The three writes of the first tick left in one flush of three chunks.
    expect((await flushes)[0]).toBe(3);
  });
});
