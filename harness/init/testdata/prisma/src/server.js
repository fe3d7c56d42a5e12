import { PrismaClient } from '@prisma/client';
import Fastify from 'fastify';

const prisma = new PrismaClient({ datasources: { db: { url: process.env.DATABASE_URL } } });
const app = Fastify();
const partnerKey = process.env.SHOPEE_PARTNER_KEY;

app.get('/healthz', async () => ({ ok: true }));

app.post('/shopee/push', async (req) => {
  const push = req.body;
  if (partnerKey === undefined) throw new Error('no key');
  await prisma.$transaction(async (tx) => {
    const txn = await tx.txn.create({ data: { memo: `shopee ${push.data.ordersn}` } });
    await tx.posting.createMany({
      data: [
        { txnId: txn.id, acct: 'bank_clearing', debitMinor: push.data.amount, creditMinor: 0, currency: 'MYR', ref: push.data.ordersn },
        { acct: 'marketplace_sales', txnId: txn.id, debitMinor: 0, creditMinor: push.data.amount, currency: 'MYR', ref: push.data.ordersn },
      ],
    });
    await tx.charge.update({ where: { gateway_chargeRef: { gateway: 'shopee', chargeRef: push.data.ordersn } }, data: { status: 'paid' } });
  });
  return { ok: true };
});

await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
