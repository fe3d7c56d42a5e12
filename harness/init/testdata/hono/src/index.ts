import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { env } from './env.ts';

const app = new Hono().basePath('/api');
app.get('/health', (c) => c.text('ok'));
app.post('/webhooks/stripe', async (c) => c.json({ received: true }));

serve({ fetch: app.fetch, port: env.PORT });
