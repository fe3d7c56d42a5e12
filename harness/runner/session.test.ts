import { resolve } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrateNaive, startNaive } from '../cli/testdata/naive-target.ts';
import { defineConfig } from '../config.ts';
import { openSession } from './session.ts';

const rootDir = resolve(import.meta.dirname, '../..');
const config = defineConfig({
  target: { start: { kind: 'in-process', start: ({ database }) => startNaive(database) } },
  providers: { stripe: { endpointSecret: 'whsec_session_test' } },
  database: { migrate: migrateNaive },
  ledger: {
    table: 'journal',
    columns: { txnId: 'batch', account: 'acct', debit: 'dr', credit: 'cr', currency: 'ccy', reference: 'ext_ref' },
    cashAccounts: ['cash'],
  },
});

/** Nothing listens on the discard port: a session that tried this URL would fail to open. */
const UNREACHABLE = 'postgres://postgres@127.0.0.1:9/unreachable';
const POSTGRES = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => {});
  }
}
const unreachableReason = await reachable(POSTGRES);
if (unreachableReason !== undefined) console.warn(`session.test: skipping the PostgreSQL cases, ${POSTGRES}: ${unreachableReason}`);

describe('openSession: which database it opens', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  describe('with DATABASE_URL set to a server that is not there', () => {
    beforeEach(() => {
      process.env.DATABASE_URL = UNREACHABLE;
    });

    it('opens embedded PGlite for databaseUrl: null (--pglite)', async () => {
      const session = await openSession({ config, rootDir, tapes: [], databaseUrl: null });
      try {
        expect(session.database.kind).toBe('pglite');
      } finally {
        await session.close();
      }
    });

    it('opens embedded PGlite for databaseUrl: null even when the config names a URL', async () => {
      const session = await openSession({ config: { ...config, database: { ...config.database, url: UNREACHABLE } }, rootDir, tapes: [], databaseUrl: null });
      try {
        expect(session.database.kind).toBe('pglite');
      } finally {
        await session.close();
      }
    });
  });

  it.skipIf(unreachableReason !== undefined)('opens an isolated PostgreSQL database from DATABASE_URL when nothing is chosen', async () => {
    process.env.DATABASE_URL = POSTGRES;
    const session = await openSession({ config, rootDir, tapes: [] });
    try {
      expect(session.database.kind).toBe('postgres');
      expect(new URL(session.database.url!).pathname).toMatch(/^\/idemgate_run_/);
    } finally {
      await session.close();
    }
  });

  it.skipIf(unreachableReason !== undefined)('prefers the given URL over DATABASE_URL', async () => {
    process.env.DATABASE_URL = UNREACHABLE;
    const session = await openSession({ config, rootDir, tapes: [], databaseUrl: POSTGRES });
    try {
      expect(session.database.kind).toBe('postgres');
    } finally {
      await session.close();
    }
  });
});
