import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { isIdemgateError } from '../errors.ts';
import type { DeliveryOutcome } from '../replay/outcome.ts';
import { watchTarget } from '../runner/target-health.ts';
import { freePort, probedHealth, startTarget } from './start.ts';
import type { RunningTarget, TargetContext, TargetHealth } from './types.ts';

// Real child processes and loopback HTTP. Where a timeout is the outcome (a hung health route),
// the route never answers, so the result does not depend on how loaded the machine is.

const database = { url: 'postgres://unused', kind: 'postgres' } as unknown as Database;
const ctx: TargetContext = { database, secrets: {}, env: {} };

/** Answers /health; on /die prints to stderr and exits with code argv[1], or kills itself when it is a signal name. */
const SERVICE = `
require('node:http').createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  const how = process.argv[1];
  process.stderr.write('boom: ledger connection lost\\n', () => (/^SIG/.test(how) ? process.kill(process.pid, how) : process.exit(Number(how))));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const started: RunningTarget[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((t) => t.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function child(how: string): Promise<RunningTarget> {
  const target = await startTarget({ kind: 'command', command: process.execPath, args: ['-e', SERVICE, how], healthPath: '/health', startTimeoutMs: 20_000 }, ctx);
  started.push(target);
  return target;
}

const die = (target: RunningTarget): Promise<unknown> => fetch(`${target.baseUrl}/die`).catch(() => undefined);

describe('a command target’s health', () => {
  it('is up while it answers, and exited with its code and last output once it exits', async () => {
    const target = await child('3');
    expect(await target.health!({ probe: true, timeoutMs: 5000 })).toEqual({ state: 'up' });
    await die(target);
    const health = await target.health!({ probe: true, timeoutMs: 5000 });
    expect(health).toMatchObject({ state: 'exited', exitCode: 3, signal: null });
    expect((health as { output: string[] }).output).toContain('boom: ledger connection lost');
  }, 30_000);

  it('names the signal that killed it', async () => {
    const target = await child('SIGKILL');
    await die(target);
    expect(await target.health!({ probe: true, timeoutMs: 5000 })).toMatchObject({ state: 'exited', exitCode: null, signal: 'SIGKILL' });
  }, 30_000);
});

describe('a probed target’s health (in-process or at a URL)', () => {
  it('is unresponsive when its health route never answers, naming the route and the wait', async () => {
    const server = createServer(() => {}); // never answers
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const health = await probedHealth(`http://127.0.0.1:${port}`, '/health')({ probe: true, timeoutMs: 200 });
    expect(health).toEqual({ state: 'unresponsive', probe: `GET http://127.0.0.1:${port}/health got no answer within 200 ms` });
    server.closeAllConnections();
  });

  it('is unresponsive when nothing listens any more (no health path: a TCP connect), and not probed when not asked', async () => {
    const port = await freePort();
    expect(await probedHealth(`http://127.0.0.1:${port}`, undefined)({ probe: true, timeoutMs: 1000 })).toMatchObject({ state: 'unresponsive' });
    expect(await probedHealth(`http://127.0.0.1:${port}`, undefined)({ probe: false, timeoutMs: 1000 })).toEqual({ state: 'up' });
  });
});

describe('watchTarget', () => {
  const outcome = (result: DeliveryOutcome['result']): DeliveryOutcome => ({
    step: 3,
    exchange: 3,
    provider: 'stripe',
    attempt: 1,
    origin: 'schedule',
    result,
    acknowledged: false,
    startedAtMs: 0,
    durationMs: 0,
  });
  const counting = (answer: TargetHealth) => {
    const probes: boolean[] = [];
    return { probes, health: async ({ probe }: { probe: boolean }) => (probes.push(probe), answer) };
  };

  it('never probes for an injected abort (a lost acknowledgement), and only checks a child’s exit at the end', async () => {
    const { probes, health } = counting({ state: 'up' });
    const watch = watchTarget(health, { probeTimeoutMs: 100, describe: () => 'the request' });
    watch.onOutcome(outcome('aborted'));
    watch.onOutcome(outcome('answered'));
    expect(await watch.finish(false)).toBeUndefined();
    expect(probes).toEqual([false]);
    expect(watch.signal.aborted).toBe(false);
  });

  it('a timeout on a target that still answers its probe is a slow request, not a hang', async () => {
    const { probes, health } = counting({ state: 'up' });
    const watch = watchTarget(health, { probeTimeoutMs: 100, describe: () => 'the request' });
    watch.onOutcome(outcome('timeout'));
    expect(await watch.finish(false)).toBeUndefined();
    expect(probes).toEqual([true, false]);
  });

  it('a timeout and a failing probe cancel the replay with TARGET_UNRESPONSIVE naming the request in flight', async () => {
    const { health } = counting({ state: 'unresponsive', probe: 'GET /health got no answer within 100 ms' });
    const watch = watchTarget(health, { probeTimeoutMs: 100, describe: (o) => `stripe exchange ${o.exchange}` });
    watch.onOutcome(outcome('timeout'));
    const down = await watch.finish(false);
    expect(isIdemgateError(down, 'TARGET_UNRESPONSIVE') && down.details).toEqual({ probe: 'GET /health got no answer within 100 ms', inFlight: 'stripe exchange 3' });
    expect(watch.signal.aborted).toBe(true);
    expect(watch.signal.reason).toBe(down);
  });

  it('a child that exited is TARGET_CRASHED with its code and output, whether a delivery failed or not', async () => {
    const { health } = counting({ state: 'exited', exitCode: 3, signal: null, output: ['boom: ledger connection lost'] });
    const watch = watchTarget(health, { probeTimeoutMs: 100, describe: () => 'the request' });
    const down = await watch.finish(false);
    expect(down?.code).toBe('TARGET_CRASHED');
    expect(down?.message).toContain('exited with code 3');
    expect(down?.message).toContain('boom: ledger connection lost');
  });
});
