import express from 'express';
import knexFactory from 'knex';
import config from '../knexfile.js';

const knex = knexFactory(config);
const app = express();
app.use(express.json());

app.get('/health', (_req, res) => res.send('ok'));

// FPX direct AC: the bank posts the buyer's authorisation result here.
app.post('/fpx/direct-ac', async (req, res) => {
  const { fpx_sellerOrderNo: orderNo, fpx_txnAmount: amount } = req.body;
  await knex.transaction(async (trx) => {
    const transactionId = `fpx:${orderNo}`;
    await trx('ledger_lines').insert([
      { transaction_id: transactionId, account: 'fpx_receivable', amount_cents: Math.round(Number(amount) * 100), currency: 'MYR', provider_ref: orderNo },
      { transaction_id: transactionId, account: 'sales', amount_cents: -Math.round(Number(amount) * 100), currency: 'MYR', provider_ref: orderNo },
    ]);
    await trx('orders').where({ order_no: orderNo }).update({ status: 'paid' });
  });
  res.send('OK');
});

await knex.migrate.latest();
app.listen(Number(process.env.PORT));
