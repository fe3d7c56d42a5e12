/**
 * A deliberately naive merchant, used by the CLI tests: its own schema (a debit/credit
 * journal), no signature checks, and no idempotency guard at all, so any duplicate posts twice.
 * It shows idemgate checking a target that is not the reference service.
 */
import { createServer } from 'node:http';
import type { Database, RunningTarget } from '../../index.ts';

export async function migrateNaive(db: Database): Promise<void> {
  await db.exec(`create table if not exists journal (
    jid serial primary key, batch text not null, acct text not null,
    dr bigint not null default 0, cr bigint not null default 0, ccy text not null, ext_ref text)`);
}

/**
 * `answer`: the body of every 200 (default `{}`), e.g. one echoing a secret, as a careless service does.
 * `dedupe`: the service once fixed — an event id it has seen is acknowledged and not booked again.
 */
export async function startNaive(db: Database, answer = '{}', options: { dedupe?: boolean } = {}): Promise<RunningTarget> {
  if (options.dedupe === true) await db.exec('create table if not exists seen_events (id text primary key)');
  let batch = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id: string;
          type: string;
          data: {
            object: { id: string; amount: number; amount_received?: number; status: string };
            previous_attributes?: Record<string, unknown>;
          };
        };
        if (options.dedupe === true) {
          const fresh = await db.query<{ id: string }>('insert into seen_events (id) values ($1) on conflict do nothing returning id', [event.id]);
          if (fresh.length === 0) return void res.writeHead(200).end(answer);
        }
        const o = event.data.object;
        const post = async (ref: string, amount: number, cash: 'dr' | 'cr'): Promise<void> => {
          const b = `b${++batch}`;
          const other = cash === 'dr' ? 'cr' : 'dr';
          await db.query(`insert into journal (batch, acct, ${cash}, ccy, ext_ref) values ($1, 'cash', $2, 'MYR', $3)`, [b, amount, ref]);
          await db.query(`insert into journal (batch, acct, ${other}, ccy, ext_ref) values ($1, 'revenue', $2, 'MYR', $3)`, [b, amount, ref]);
        };
        if (event.type === 'payment_intent.succeeded') await post(o.id, o.amount_received ?? o.amount, 'dr');
        // A refund.updated whose previous_attributes lack "status" (a metadata edit) moves no money.
        const statusChanged = !('previous_attributes' in event.data) || 'status' in (event.data.previous_attributes ?? {});
        if (event.type.startsWith('refund.') && o.status === 'succeeded' && statusChanged) await post(o.id, o.amount, 'cr');
        res.writeHead(200).end(answer);
      })().catch((e: unknown) => res.writeHead(500).end(String(e)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}
