import { readFileSync } from 'node:fs';
import { createVerify } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

const { FPX_PUBLIC_KEY_FILE: keyFile } = process.env;
const publicKey = readFileSync(keyFile!, 'utf8');

export default async function fpxRoutes(app: FastifyInstance): Promise<void> {
  app.route({
    method: 'POST',
    url: '/fpx/callback',
    handler: async (req) => {
      const body = req.body as Record<string, string>;
      const ok = createVerify('sha1').update(body.data ?? '').verify(publicKey, body.fpx_checkSum ?? '', 'hex');
      return ok ? 'OK' : 'BAD';
    },
  });
}
