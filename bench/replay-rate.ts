/**
 * Sequential requests per second the replayer sustains on loopback against a target that answers
 * at once (one keep-alive connection, signing and classification included). Prints the figure;
 * compare runs side by side, absolute numbers vary 2–3× with machine load. Usage:
 *   npx tsx bench/replay-rate.ts [requests]      # default 1000
 * (Was a `> 500 requests/s` assertion in harness/replay/replay.test.ts.)
 */
import http from 'node:http';
import autocannon from 'autocannon';
import type { AddressInfo } from 'node:net';
import type { Provider } from '../harness/providers/provider.ts';
import { createReplayer } from '../harness/replay/replay.ts';
import { cleanSchedule } from '../harness/schedule/schedule.ts';
import type { Tape } from '../harness/tape/schema.ts';

const count = Number(process.argv[2] ?? 1000);

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

const provider: Provider = {
  name: 'bench',
  interpret: (exchange) => ({ provider: 'bench', identity: String(exchange.seq) }),
  sign: (exchange) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(exchange.body) }),
  acknowledged: ({ status, body }) => status === 200 && body === 'OK',
};
const tape: Tape = {
  header: { format: 'idemgate-tape', version: 1, name: 'replay-rate', createdAt: '2026-01-01T00:00:00Z' },
  exchanges: Array.from({ length: count }, (_, i) => ({
    seq: i + 1,
    provider: 'bench',
    method: 'POST' as const,
    path: '/hook',
    headers: {},
    body: JSON.stringify({ id: `e${i}` }),
    bodyEncoding: 'utf8' as const,
    recordedAt: '2026-01-01T00:00:00Z',
  })),
};

const replayer = createReplayer({
  tape,
  providers: () => provider,
  baseUrl: `http://127.0.0.1:${port}`,
  secrets: { bench: {} },
});
try {
  await replayer.replay(cleanSchedule(Math.min(10, count))); // warm-up: connection, JIT
  const started = performance.now();
  const outcomes = await replayer.replay(cleanSchedule(count));
  const seconds = (performance.now() - started) / 1000;
  const unacknowledged = outcomes.filter((o) => !o.acknowledged).length;
  if (unacknowledged > 0) throw new Error(`${unacknowledged} of ${count} requests were not acknowledged`);
  const replayerRate = count / seconds;
  console.log(`replayer:   ${Math.round(replayerRate)} sequential requests/s (${count} in ${seconds.toFixed(2)} s)`);
  // autocannon against the same server, one connection, the same number of requests and body size.
  const cannon = await autocannon({
    url: `http://127.0.0.1:${port}/hook`,
    method: 'POST',
    connections: 1,
    pipelining: 1,
    amount: count,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'e0' }),
  });
  // From its own start and finish times: its `duration` is coarse for runs of a few seconds.
  const cannonSeconds = (cannon.finish.getTime() - cannon.start.getTime()) / 1000;
  const cannonRate = cannon.requests.total / cannonSeconds;
  console.log(`autocannon: ${Math.round(cannonRate)} requests/s (${cannon.requests.total} in ${cannonSeconds.toFixed(2)} s)`);
  console.log(`replayer ÷ autocannon: ${(replayerRate / cannonRate).toFixed(2)}×`);
} finally {
  await replayer.close();
  server.close();
}
