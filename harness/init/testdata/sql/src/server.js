import express from 'express';
import pg from 'pg';
import { migrate } from './migrate.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
const app = express();

app.get('/health', (_req, res) => res.send('ok'));

app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {
  const secret = process.env.STRIPE_WEBHOOK_SECRET;
  const event = verify(req.body, req.headers['stripe-signature'], secret);
  const lines = [
    { account_code: 'psp_clearing', amount_sen: -event.amount },
    { account_code: 'sales_revenue', amount_sen: event.amount },
  ];
  for (const line of lines) {
    await pool.query(
      'insert into journal_lines (journal_id, account_code, amount_sen, ccy, external_ref) values ($1, $2, $3, $4, $5)',
      [event.id, line.account_code, line.amount_sen, 'MYR', event.id],
    );
  }
  await pool.query('update payments set state = $1 where provider = $2 and external_id = $3', ['succeeded', 'stripe', event.id]);
  res.sendStatus(200);
});

function verify(body, signature, secret) {
  if (signature === undefined || secret === undefined) throw new Error('unsigned');
  return JSON.parse(body.toString());
}

await migrate(pool);
app.listen(Number(process.env.PORT));
