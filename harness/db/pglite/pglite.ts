import { types, type PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { IdemgateError } from '../../errors.ts';
import { writesTable, type Database } from '../database.ts';
import { queryFailed } from '../errors.ts';
import { bootPglite } from './snapshot.ts';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * Values come back as node-postgres returns them (int8 and numeric as strings), so code that
 * reads rows behaves the same on PGlite and on PostgreSQL. The native client keeps PGlite's
 * own parsers for Drizzle.
 */
const PG_COMPATIBLE_PARSERS = { [types.INT8]: (value: string) => value };

/** Queries from pooled socket clients wait on the one PGlite connection; keep the pool small. */
const SOCKET_MAX_CONNECTIONS = 16;

/**
 * An in-memory PGlite database, started from a cached snapshot of its data directory when there
 * is one (see `bootPglite`). `serve()` exposes it on a loopback port for a target in another process.
 *
 * @example
 * const db = await openPglite();
 * await db.exec('create table t (id int)');
 * const url = await db.serve(); // postgres://postgres@127.0.0.1:PORT/postgres
 */
export async function openPglite(options: OpenPgliteOptions = {}): Promise<Database> {
  const { prepared } = options;
  let database: Database | undefined;
  const { client } = await bootPglite(
    prepared === undefined
      ? {}
      : {
          prepared: {
            key: prepared.key,
            prepare: async (c) => {
              database = wrapPglite(c);
              await prepared.prepare(database);
            },
          },
        },
  );
  return database ?? wrapPglite(client);
}

export interface OpenPgliteOptions {
  /**
   * Prepares the new database (migrates it) unless a snapshot prepared under the same key exists,
   * which is then loaded instead. The key must change whenever `prepare` would build another schema.
   */
  prepared?: { key: string; prepare: (db: Database) => Promise<void> };
}

/**
 * pglite-socket writes every chunk of a query's answer to the socket on its own (a system call
 * each, which dominated a child-process target's schedule); writes made within one tick are
 * corked and leave together.
 */
export function corkWritesPerTick(socket: Socket): void {
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  let corked = false;
  socket.write = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      socket.cork();
      process.nextTick(() => {
        corked = false;
        socket.uncork();
      });
    }
    return write(...args);
  }) as Socket['write'];
}

/** A hold armed by `holdWrite`: the pattern of the messages it keeps back, and the one it keeps. */
interface SocketHold {
  pattern: RegExp;
  /** Lets the kept-back messages of the held client through (dropped when it is gone). */
  flush?: () => void;
}

/**
 * Lets `holdWrite` keep back a socket client's messages from the first one whose SQL text matches
 * the armed hold's pattern (node-postgres sends Parse…Sync of a query in one write, so the text is
 * in one chunk); its later messages queue behind it, in order.
 */
function interceptWrites(socket: Socket, armed: () => SocketHold | undefined): void {
  const emit = socket.emit.bind(socket) as (event: string | symbol, ...args: unknown[]) => boolean;
  let kept: unknown[] | undefined;
  socket.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'data') return emit(event, ...args);
    if (kept !== undefined) {
      kept.push(args[0]);
      return true;
    }
    const hold = armed();
    const chunk = args[0];
    if (hold !== undefined && hold.flush === undefined && Buffer.isBuffer(chunk) && hold.pattern.test(chunk.toString('latin1'))) {
      kept = [chunk];
      hold.flush = () => {
        const chunks = kept ?? [];
        kept = undefined;
        if (!socket.destroyed) for (const c of chunks) emit('data', c);
      };
      return true;
    }
    return emit(event, ...args);
  }) as Socket['emit'];
}

/** The Database interface over one PGlite client (closing it closes the client). */
function wrapPglite(client: PGlite): Database {
  let server: PGLiteSocketServer | undefined;
  let hold: SocketHold | undefined;
  let serving: Promise<string> | undefined;
  let url: string | undefined;
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new IdemgateError('DB_QUERY_FAILED', 'the PGlite database is closed');
  };

  return {
    kind: 'pglite',
    get url() {
      return url;
    },
    native: { kind: 'pglite', client },
    async query<T extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]> {
      assertOpen();
      try {
        const result = await client.query<T>(sql, params === undefined ? [] : [...params], {
          parsers: PG_COMPATIBLE_PARSERS,
        });
        return result.rows;
      } catch (e) {
        throw queryFailed(e, sql, params);
      }
    },
    async exec(sql: string): Promise<void> {
      assertOpen();
      try {
        await client.exec(sql);
      } catch (e) {
        throw queryFailed(e, sql);
      }
    },
    async activity(): Promise<number> {
      assertOpen();
      // A statement from a socket client has finished by the time this runs (PGlite runs one at a time).
      return client.isInTransaction() ? 1 : 0;
    },
    holdWrite(table: string) {
      assertOpen();
      if (hold !== undefined) throw new IdemgateError('USAGE', 'a write is already held on this database');
      const mine: SocketHold = { pattern: writesTable(table) };
      hold = mine;
      return Promise.resolve({
        held: () => mine.flush !== undefined,
        release: async () => {
          if (hold === mine) hold = undefined;
          mine.flush?.();
        },
      });
    },
    serve(): Promise<string> {
      assertOpen();
      serving ??= (async () => {
        const s = new PGLiteSocketServer({
          db: client,
          host: '127.0.0.1',
          port: 0,
          maxConnections: SOCKET_MAX_CONNECTIONS,
        });
        await s.start();
        const listening = (s as unknown as { server?: unknown }).server;
        if (listening instanceof NetServer) {
          listening.on('connection', (socket: Socket) => {
            corkWritesPerTick(socket);
            interceptWrites(socket, () => hold);
          });
        }
        server = s;
        // getServerConn() is `127.0.0.1:PORT` once listening on port 0.
        url = `postgres://postgres@${s.getServerConn()}/postgres`;
        return url;
      })();
      return serving;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (serving) await serving.catch(() => undefined);
      await server?.stop();
      await client.close();
    },
  };
}
