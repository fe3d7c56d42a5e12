import { createServer } from 'node:http';
import type { TargetStart } from '../../config.ts';
import { listenOnLoopback } from '../../targets/listen.ts';

/**
 * An in-process target for runner tests that books nothing: `answer` reads each delivery's body
 * and says the status and body to answer it with (a poison message, a refusal, a changed answer).
 *
 * @example
 * target: { start: answeringTarget((body) => (body.includes('evt_1') ? { status: 500, body: 'boom' } : { status: 200, body: '{}' })) }
 */
export function answeringTarget(answer: (body: string) => { status: number; body: string }): TargetStart {
  return {
    kind: 'in-process',
    start: async () =>
      listenOnLoopback(
        createServer((req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (c: Buffer) => chunks.push(c));
          req.on('end', () => {
            const { status, body } = answer(Buffer.concat(chunks).toString('utf8'));
            res.writeHead(status, { 'content-type': 'application/json' }).end(body);
          });
        }),
      ),
  };
}
