import type { NextApiRequest, NextApiResponse } from 'next';
import { createVerify } from 'node:crypto';
import { config } from '../../../lib/config';

export default function fpxCallback(req: NextApiRequest, res: NextApiResponse): void {
  const ok = createVerify('sha1').update(String(req.body.data)).verify(config.fpxPublicKey!, String(req.body.fpx_checkSum), 'hex');
  res.status(200).send(ok ? 'OK' : 'BAD');
}
