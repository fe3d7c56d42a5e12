import express from 'express';
import webhooks from './webhooks.ts';

const env = process.env;
const app = express();
app.get('/healthz', (_req, res) => res.send('ok'));
app.use('/webhooks', webhooks);
app.listen(Number(env.PORT ?? 3000), env.HOST ?? '127.0.0.1');
