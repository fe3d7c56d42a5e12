import type { Server } from 'node:http';
import { IdemgateError } from '../errors.ts';
import type { RunningTarget } from './types.ts';

/**
 * Listens `server` on a free loopback port and returns it as an in-process target: its base URL,
 * and a stop that closes it (open keep-alive connections included).
 *
 * @example
 * start: async () => listenOnLoopback(createServer((req, res) => res.writeHead(200).end()))
 */
export async function listenOnLoopback(server: Server): Promise<RunningTarget> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) {
    server.close();
    throw new IdemgateError('TARGET_START_FAILED', 'the in-process target did not bind a loopback port');
  }
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
