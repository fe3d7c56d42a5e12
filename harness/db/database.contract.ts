import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { IdemgateError } from '../errors.ts';
import type { Database } from './database.ts';
import { deleteAll, fastestReset, truncateAll } from './reset.ts';

/**
 * The behaviour every Database driver shares. Each driver's test file builds its database and
 * calls this; the suite closes it at the end.
 */
export function databaseContract(name: string, open: () => Promise<Database>): void {
  describe(`database contract: ${name}`, () => {
    let db: Database;

    beforeAll(async () => {
      db = await open();
      await db.exec(`
        create table contract_accounts (id serial primary key, code text not null unique);
        create table contract_entries (
          id bigserial primary key,
          account_id int not null references contract_accounts(id),
          amount bigint not null,
          rate numeric(20, 6)
        );`);
    });

    afterAll(async () => {
      await db?.close();
    });

    it('runs a query with positional parameters', async () => {
      const rows = await db.query<{ a: string; b: number }>('select $1::text as a, $2::int as b', ['x', 7]);
      expect(rows).toEqual([{ a: 'x', b: 7 }]);
    });

    it('runs a script of several statements with exec', async () => {
      await db.exec(
        `insert into contract_accounts (code) values ('cash'); insert into contract_accounts (code) values ('sales');`,
      );
      const rows = await db.query<{ code: string }>('select code from contract_accounts order by id');
      expect(rows.map((r) => r.code)).toEqual(['cash', 'sales']);
    });

    it('returns bigint and numeric exactly, as strings, like node-postgres', async () => {
      const [cash] = await db.query<{ id: number }>(`select id from contract_accounts where code = 'cash'`);
      await db.query('insert into contract_entries (account_id, amount, rate) values ($1, $2, $3)', [
        cash!.id,
        '9007199254740993',
        '0.000001',
      ]);
      const rows = await db.query('select amount, rate, amount * 2 as doubled from contract_entries');
      expect(rows).toEqual([{ amount: '9007199254740993', rate: '0.000001', doubled: '18014398509481986' }]);
    });

    it('wraps a failing statement in DB_QUERY_FAILED naming the SQL', async () => {
      const error = await db.query('select * from no_such_table').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IdemgateError);
      expect((error as IdemgateError).code).toBe('DB_QUERY_FAILED');
      expect((error as IdemgateError).message).toContain('no_such_table');
    });

    it.each([
      ['truncate-all', truncateAll],
      ['delete-all', deleteAll],
      ['fastest', fastestReset],
    ] as const)('reset %s empties every table, restarts identities and keeps the schema', async (_, strategy) => {
      const reset = strategy();
      await db.exec(`
        insert into contract_accounts (code) values ('a'), ('b');
        insert into contract_entries (account_id, amount) values (1, 5), (2, 7), (2, 9);`);
      await reset.reset(db);
      const counts = await db.query<{ n: string }>(
        'select (select count(*) from contract_accounts) + (select count(*) from contract_entries) as n',
      );
      expect(counts).toEqual([{ n: '0' }]);
      // The same empty state whichever strategy ran: identities start again from 1.
      const [again] = await db.query<{ id: number }>(
        `insert into contract_accounts (code) values ('cash') returning id`,
      );
      expect(again!.id).toBe(1);
      const [entry] = await db.query<{ id: string }>(`insert into contract_entries (account_id, amount) values (1, 1) returning id`);
      expect(entry!.id).toBe('1');
      // A second reset uses the cached plan and still works.
      await reset.reset(db);
      expect(await db.query('select * from contract_accounts')).toEqual([]);
    });

    it('activity() counts another client holding a transaction open, and not the harness itself', async () => {
      const url = await db.serve();
      expect(await db.activity()).toBe(0);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('begin');
        await client.query('select count(*) from contract_accounts');
        expect(await db.activity()).toBeGreaterThanOrEqual(1);
        await client.query('commit');
        expect(await db.activity()).toBe(0);
      } finally {
        await client.end();
      }
    });

    it('serve() gives a URL that pg clients, pooled and concurrent, can use', async () => {
      const url = await db.serve();
      expect(await db.serve()).toBe(url);
      expect(url).toMatch(/^postgres(ql)?:\/\//);

      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`insert into contract_accounts (code) values ('from-client')`);
      } finally {
        await client.end();
      }

      const pool = new pg.Pool({ connectionString: url, max: 2 });
      try {
        const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
        try {
          const [ra, rb] = await Promise.all([
            a.query<{ n: string }>('select count(*) as n from contract_accounts'),
            b.query<{ n: string }>(`select code from contract_accounts where code = 'from-client'`),
          ]);
          expect(ra.rows[0]!.n).toBe('1');
          expect(rb.rows).toEqual([{ code: 'from-client' }]);
        } finally {
          a.release();
          b.release();
        }
      } finally {
        await pool.end();
      }
      // What the socket clients wrote is visible to the harness's own connection.
      expect(await db.query('select code from contract_accounts')).toEqual([{ code: 'from-client' }]);
    });

    it('close() makes later queries fail and is idempotent', async () => {
      await db.close();
      await db.close();
      await expect(db.query('select 1')).rejects.toThrow(IdemgateError);
    });
  });
}
