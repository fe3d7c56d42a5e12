import { createServer } from 'node:http';
import { env } from './config.js';

const port = Number(env.PORT);
const secret = env['STRIPE_WEBHOOK_SECRET'];

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  switch (url.pathname) {
    case '/webhooks/stripe':
      res.end(JSON.stringify({ received: Boolean(secret) }));
      return;
    default:
      res.statusCode = req.url === '/ping' ? 200 : 404;
      res.end();
  }
}).listen(port, '127.0.0.1', () => console.log(`db ${env.DATABASE_URL}`));
