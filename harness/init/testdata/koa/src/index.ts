import Koa from 'koa';
import Router from '@koa/router';
import { env } from 'node:process';

const hooks = new Router({ prefix: '/hooks' });
hooks.post('/stripe', async function handleStripe(ctx) {
  const secret = env.STRIPE_ENDPOINT_SECRET;
  ctx.body = { received: Boolean(secret) };
});
const health = new Router();
health.get('/health', (ctx) => {
  ctx.body = 'ok';
});

const app = new Koa();
app.use(health.routes()).use(hooks.routes());
app.listen(Number(env.PORT), () => console.log(`db ${env.DATABASE_URL}`));
