import Fastify from 'fastify';
import fpxRoutes from './fpx.js';

const { PORT = '3000', DATABASE_URL } = process.env;
const app = Fastify();
app.register(fpxRoutes, { prefix: '/payments' });
await app.listen({ port: Number(PORT), host: '127.0.0.1' });
export { DATABASE_URL };
