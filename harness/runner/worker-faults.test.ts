import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openPglite } from '../db/pglite/pglite.ts';
import type { Database, WriteHold } from '../db/database.ts';
import { createIsolatedDatabase } from '../db/postgres/postgres.ts';
import { IdemgateError } from '../errors.ts';
import { redisDrop } from '../faults/redis-drop.ts';
import { workerCrash } from '../faults/worker-crash.ts';
import type { Clock } from '../replay/clock.ts';
import type { RunningWorkers } from '../targets/types.ts';
import { checkWorkerFaults, workerFaultHooks } from './worker-faults.ts';

/** A clock that records its sleeps and moves time on instead of waiting. */
function fakeClock(): Clock & { slept: number[] } {
  let t = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
      await Promise.resolve();
    },
  };
}

describe('worker faults on a session', () => {
  it('are FAULT_INVALID on a config without target.workers or a Redis store', () => {
    const scenario = { name: 's', faults: [workerCrash()] };
    const error = (() => {
      try {
        checkWorkerFaults({ target: { baseUrl: '', stop: async () => {} }, stores: undefined }, scenario);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(IdemgateError);
    expect((error as IdemgateError).code).toBe('FAULT_INVALID');
    expect((error as IdemgateError).message).toMatch(/workerCrash\(\).*target\.workers/);
    expect(() => checkWorkerFaults({ target: { baseUrl: '', stop: async () => {} }, stores: undefined }, { name: 's', faults: [redisDrop()] })).toThrow(/redisDrop\(\).*Redis store/);
  });

  it('kill the workers once the ledger write is held, let it go while they are down, and restart them after the downtime', async () => {
    const events: string[] = [];
    let polls = 0;
    const hold: WriteHold = { held: () => ++polls > 3, release: async () => void events.push('released') };
    const workers: RunningWorkers = {
      count: 2,
      dead: async () => undefined,
      crashRestart: async (whileDown) => {
        events.push('killed');
        await whileDown?.();
        events.push('restarted');
      },
      stop: async () => {},
    };
    const clock = fakeClock();
    const session = {
      config: { ledger: { table: 'ledger_entries' }, target: {} },
      database: { holdWrite: async (table: string) => (events.push(`hold ${table}`), hold) },
      stores: undefined,
      target: { baseUrl: '', stop: async () => {}, workers },
    } as unknown as Parameters<typeof workerFaultHooks>[0];

    const armed = await workerFaultHooks(session, clock).workerCrash!({ downtimeMs: 300 });
    await armed.fire();

    expect(events).toEqual(['hold ledger_entries', 'killed', 'released', 'restarted']);
    expect(clock.slept).toEqual([2, 2, 2, 300]);
  });
});

/** Both drivers hold the same way: one contract, run on PGlite and (with DATABASE_URL) on PostgreSQL. */
function holdWriteContract(name: string, open: () => Promise<Database>): void {
  describe(`${name} holdWrite`, () => {
    it("keeps a target's ledger write back until released, and lets other statements run", async () => {
      const db = await open();
      try {
        await db.exec('create table ledger_entries (n int); create table other (n int)');
        const client = new pg.Client({ connectionString: await db.serve() });
        await client.connect();
        const hold = await db.holdWrite!('ledger_entries');
        await client.query('insert into other values (1)');
        let done = false;
        const write = client.query('insert into ledger_entries values ($1)', [1]).then(() => (done = true));
        for (let i = 0; i < 200 && !hold.held(); i++) await new Promise((r) => setTimeout(r, 5));
        expect(hold.held()).toBe(true);
        expect(done).toBe(false);
        await hold.release();
        await write;
        expect(await db.query('select n from ledger_entries')).toEqual([{ n: 1 }]);
        await client.end();
      } finally {
        await db.close();
      }
    });
  });
}

holdWriteContract('PGlite', () => openPglite());
const adminUrl = process.env.DATABASE_URL;
if (adminUrl !== undefined) holdWriteContract('PostgreSQL', () => createIsolatedDatabase(adminUrl, 'hold'));
