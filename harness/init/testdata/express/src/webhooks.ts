import express, { Router } from 'express';
import Stripe from 'stripe';
import pg from 'pg';

const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL });
const router = Router();

router.post('/stripe', express.raw({ type: 'application/json' }), async function stripeWebhook(req, res) {
  const event = Stripe.webhooks.constructEvent(req.body, req.header('stripe-signature') ?? '', env.STRIPE_WEBHOOK_SECRET!);
  await pool.query('insert into events (id) values ($1) on conflict do nothing', [event.id]);
  res.json({ received: true });
});

export default router;
