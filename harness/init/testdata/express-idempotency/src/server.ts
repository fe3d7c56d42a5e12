import express from 'express';
import Stripe from 'stripe';
import pg from 'pg';
import { idempotency } from './idempotency.ts';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
const app = express();
app.get('/healthz', (_req, res) => res.send('ok'));

// The merchant's own API, called by its checkout with an Idempotency-Key.
app.post('/orders', express.json(), idempotency(), async (req, res) => {
  const { order_ref, total_cents, currency } = req.body as { order_ref: string; total_cents: number; currency: string };
  await pool.query('insert into orders (ref, total, ccy) values ($1, $2, $3)', [order_ref, total_cents, currency]);
  res.status(201).json({ id: order_ref });
});
app.post('/orders/:orderId/refunds', express.json(), idempotency(), async (req, res) => {
  res.status(201).json({ refunded: req.params.orderId });
});

// Stripe's webhooks: not a client API.
app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async function stripeWebhook(req, res) {
  const event = Stripe.webhooks.constructEvent(req.body, req.header('stripe-signature') ?? '', env.STRIPE_WEBHOOK_SECRET!);
  res.json({ received: event.id });
});

app.listen(Number(env.PORT ?? 3000));
