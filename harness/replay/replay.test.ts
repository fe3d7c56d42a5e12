import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import type { Provider } from '../providers/provider.ts';
import { redeliveryTiming } from '../providers/retry-timing.ts';
import { cleanSchedule, type Schedule } from '../schedule/schedule.ts';
import type { Tape } from '../tape/schema.ts';
import type { Clock } from './clock.ts';
import { MAX_BODY_BYTES } from './deliver.ts';
import { createReplayer, QUIET_POLLS, replaySchedule, type ReplayOptions } from './replay.ts';

/** What the test target should do with one exchange; carried in the exchange's body. */
interface Behaviour {
  id: string;
  delayMs?: number;
  /** Answer 409 to the first n deliveries of this id, then 200 OK. */
  failFirst?: number;
  /** Always answer this status (body `nope`). */
  status?: number;
  /** Drop the connection without answering. */
  destroy?: boolean;
  bigBody?: boolean;
}

interface Arrival {
  id: string;
  attempt: string;
  path: string;
  signedUrl: string;
  secret: string;
  finished: boolean;
}

interface TestTarget {
  baseUrl: string;
  arrivals: Arrival[];
  inFlight: () => number;
  maxInFlight: () => number;
  connections: () => number;
  close: () => Promise<void>;
}

const targets: TestTarget[] = [];
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

async function startTarget(): Promise<TestTarget> {
  const arrivals: Arrival[] = [];
  const answered = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let connections = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const spec = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Behaviour;
        const arrival: Arrival = {
          id: spec.id,
          attempt: String(req.headers['x-attempt']),
          path: req.url ?? '',
          signedUrl: String(req.headers['x-signed-url']),
          secret: String(req.headers['x-secret']),
          finished: false,
        };
        arrivals.push(arrival);
        const n = (answered.get(spec.id) ?? 0) + 1;
        answered.set(spec.id, n);
        if (spec.delayMs !== undefined) await sleep(spec.delayMs);
        arrival.finished = true;
        inFlight--;
        if (spec.destroy === true) {
          req.socket.destroy();
          return;
        }
        const status = n <= (spec.failFirst ?? 0) ? 409 : (spec.status ?? 200);
        const body = spec.bigBody === true ? 'x'.repeat(100 * 1024) : status === 200 ? 'OK' : 'nope';
        res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
      })();
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const target: TestTarget = {
    baseUrl: `http://127.0.0.1:${port}`,
    arrivals,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  targets.push(target);
  return target;
}

const fakeProvider: Provider = {
  name: 'fake',
  interpret: (exchange) => ({ provider: 'fake', identity: String(exchange.seq) }),
  sign: (exchange, ctx) => ({
    headers: {
      'content-type': 'application/json',
      'x-attempt': String(ctx.attempt),
      'x-signed-url': ctx.url,
      'x-secret': ctx.secrets['key'] ?? '',
    },
    body: Buffer.from(exchange.body),
  }),
  acknowledged: ({ status, body }) => status === 200 && body === 'OK',
};

function tapeOf(behaviours: Behaviour[]): Tape {
  return {
    header: { format: 'idemgate-tape', version: 1, name: 'replay-test', createdAt: '2026-01-01T00:00:00Z' },
    exchanges: behaviours.map((b, i) => ({
      seq: i + 1,
      provider: 'fake',
      method: 'POST',
      path: '/hook',
      headers: {},
      body: JSON.stringify(b),
      bodyEncoding: 'utf8',
      recordedAt: '2026-01-01T00:00:00Z',
    })),
  };
}

function options(
  target: TestTarget,
  behaviours: Behaviour[],
  extra: Partial<ReplayOptions> = {},
): ReplayOptions {
  return {
    tape: tapeOf(behaviours),
    providers: (name) => {
      if (name !== 'fake') throw new Error(`unknown provider ${name}`);
      return fakeProvider;
    },
    baseUrl: target.baseUrl,
    secrets: { fake: { key: 'k1' } },
    settleMs: 0,
    ...extra,
  };
}

/**
 * A clock that waits nothing: it records every sleep and moves its own time on by it, then yields
 * one turn of the event loop so the sockets still make progress.
 */
function fakeClock(onSleep: (ms: number) => void = () => {}): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      onSleep(ms);
      slept.push(ms);
      now += ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

const send = (exchange: number, abortAfterMs?: number): Schedule['steps'][number] => ({
  kind: 'send',
  delivery: abortAfterMs === undefined ? { exchange } : { exchange, abortAfterMs },
});

describe('replaySchedule', () => {
  it('sends steps in order with attempt numbers, the signed URL and the secrets', async () => {
    const target = await startTarget();
    const schedule: Schedule = { steps: [send(0), send(1), send(0), send(2)] };

    const outcomes = await replaySchedule(schedule, options(target, [{ id: 'a' }, { id: 'b' }, { id: 'c' }]));

    expect(target.arrivals.map((a) => `${a.id}#${a.attempt}`)).toEqual(['a#1', 'b#1', 'a#2', 'c#1']);
    expect(target.arrivals.every((a) => a.signedUrl === `${target.baseUrl}/hook` && a.secret === 'k1')).toBe(
      true,
    );
    expect(target.arrivals.every((a) => a.path === '/hook')).toBe(true);
    expect(
      outcomes.map((o) => [
        o.step,
        o.exchange,
        o.attempt,
        o.origin,
        o.result,
        o.status,
        o.body,
        o.acknowledged,
      ]),
    ).toEqual([
      [0, 0, 1, 'schedule', 'answered', 200, 'OK', true],
      [1, 1, 1, 'schedule', 'answered', 200, 'OK', true],
      [2, 0, 2, 'schedule', 'answered', 200, 'OK', true],
      [3, 2, 1, 'schedule', 'answered', 200, 'OK', true],
    ]);
    expect(outcomes.every((o) => o.provider === 'fake' && o.durationMs >= 0)).toBe(true);
  });

  it('waits for the target to be quiet before a late redelivery, and only before it', async () => {
    const target = await startTarget();
    const order: string[] = [];
    const quiesce = async (): Promise<void> => {
      order.push(`quiet after ${target.arrivals.length} arrivals`);
    };
    const schedule: Schedule = { steps: [send(0), send(1), { kind: 'send', delivery: { exchange: 0, afterQuiet: true } }] };
    await replaySchedule(schedule, options(target, [{ id: 'a' }, { id: 'b' }], { quiesce }));
    expect(order).toEqual(['quiet after 2 arrivals']);
    expect(target.arrivals.map((a) => a.id)).toEqual(['a', 'b', 'a']);
  });

  it('sends to the configured endpoint instead of the recorded path', async () => {
    const target = await startTarget();

    await replaySchedule(
      cleanSchedule(1),
      options(target, [{ id: 'a' }], { endpoints: { fake: '/custom/path' } }),
    );

    expect(target.arrivals[0]).toMatchObject({
      path: '/custom/path',
      signedUrl: `${target.baseUrl}/custom/path`,
    });
  });

  it('sends the query the provider signed in place of the recorded one (a signature carried in the URL)', async () => {
    const target = await startTarget();
    const querySigner: Provider = {
      ...fakeProvider,
      sign: (exchange, ctx) => ({ ...fakeProvider.sign(exchange, ctx), query: 'id=1&sig=fresh' }),
    };
    const tape = tapeOf([{ id: 'a' }]);
    tape.exchanges[0]!.path = '/return?id=1&sig=stale';

    await replaySchedule(cleanSchedule(1), { ...options(target, []), tape, providers: () => querySigner });

    expect(target.arrivals[0]).toMatchObject({ path: '/return?id=1&sig=fresh' });
  });

  it('delivers a concurrent group at once, each on its own connection', async () => {
    const target = await startTarget();
    const schedule: Schedule = {
      steps: [
        send(1),
        { kind: 'concurrent', deliveries: [0, 0, 0, 0].map((exchange) => ({ exchange })) },
        send(1),
      ],
    };

    const outcomes = await replaySchedule(
      schedule,
      options(target, [{ id: 'slow', delayMs: 150 }, { id: 'fast' }]),
    );

    // All four were being handled at the same moment: what "at once" means, without a clock.
    expect(target.maxInFlight()).toBe(4);
    expect(target.arrivals.map((a) => a.id)).toEqual(['fast', 'slow', 'slow', 'slow', 'slow', 'fast']);
    const group = outcomes.filter((o) => o.step === 1);
    expect(group.map((o) => o.attempt).sort()).toEqual([1, 2, 3, 4]);
    expect(group.every((o) => o.acknowledged)).toBe(true);
  });

  it('aborts a delivery client-side, then waits for the target to finish it', async () => {
    const target = await startTarget();
    const schedule: Schedule = { steps: [send(0, 20)] };

    const outcomes = await replaySchedule(
      schedule,
      options(target, [{ id: 'a', delayMs: 200 }], { redeliveryRounds: 0, inFlight: target.inFlight }),
    );

    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ result: 'aborted', acknowledged: false });
    expect(outcomes[0]!.durationMs).toBeLessThan(150);
    expect(outcomes[0]!.status).toBeUndefined();
    expect(target.arrivals[0]!.finished).toBe(true);
    expect(target.inFlight()).toBe(0);
  });

  it('waits settleMs after an abort when the target cannot report in-flight requests', async () => {
    const target = await startTarget();
    const clock = fakeClock();

    await replaySchedule(
      { steps: [send(0, 5)] },
      options(target, [{ id: 'a', delayMs: 50 }], { redeliveryRounds: 0, settleMs: 120, clock }),
    );

    expect(clock.slept).toEqual([120]);
  });

  it('waits nothing after a schedule where every request was answered', async () => {
    const target = await startTarget();
    const clock = fakeClock();

    await replaySchedule(cleanSchedule(2), options(target, [{ id: 'a' }, { id: 'b' }], { settleMs: 120, clock }));

    expect(clock.slept).toEqual([]);
  });

  it('polls the in-flight count after a short grace until the target is idle', async () => {
    const target = await startTarget();
    const clock = fakeClock();
    const counts = [2, 1, 0];

    await replaySchedule(
      { steps: [send(0, 5)] },
      options(target, [{ id: 'a', delayMs: 50 }], {
        redeliveryRounds: 0,
        settleMs: 250,
        inFlight: () => counts.shift() ?? 0,
        clock,
      }),
    );

    expect(clock.slept).toEqual([20, 5, 5]);
  });

  it('stops polling a target that never becomes idle after the request timeout', async () => {
    const target = await startTarget();
    const clock = fakeClock();

    await replaySchedule(
      { steps: [send(0, 5)] },
      options(target, [{ id: 'a', delayMs: 50 }], {
        redeliveryRounds: 0,
        settleMs: 250,
        requestTimeoutMs: 100,
        inFlight: () => 1,
        clock,
      }),
    );

    expect(clock.slept[0]).toBe(20);
    expect(clock.slept.slice(1).every((ms) => ms === 5)).toBe(true);
    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('without an in-flight count, observes the target until it has been quiet for QUIET_POLLS polls in a row', async () => {
    const target = await startTarget();
    const clock = fakeClock();
    const answers = [true, false, true, ...Array<boolean>(QUIET_POLLS).fill(false)];
    let polls = 0;

    await replaySchedule(
      { steps: [send(0, 5)] },
      options(target, [{ id: 'a', delayMs: 50 }], {
        redeliveryRounds: 0,
        settleMs: 250,
        busy: async () => {
          polls++;
          return answers.shift() ?? false;
        },
        clock,
      }),
    );

    // A "busy" starts the count again: 3 polls, then QUIET_POLLS quiet ones; no fixed settle.
    expect(polls).toBe(3 + QUIET_POLLS);
    expect(clock.slept).toEqual(Array<number>(3 + QUIET_POLLS).fill(5));
  });

  it('stops observing a target that never becomes quiet after the request timeout', async () => {
    const target = await startTarget();
    const clock = fakeClock();

    await replaySchedule(
      { steps: [send(0, 5)] },
      options(target, [{ id: 'a', delayMs: 50 }], { redeliveryRounds: 0, requestTimeoutMs: 100, busy: async () => true, clock }),
    );

    expect(clock.slept.reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('sleeps a delivery\'s delayMs × timeScale before sending it', async () => {
    const target = await startTarget();
    const sentBeforeSleep: number[] = [];
    const clock = fakeClock(() => sentBeforeSleep.push(target.arrivals.length));
    const schedule: Schedule = {
      steps: [send(0), { kind: 'send', delivery: { exchange: 1, delayMs: 900_000 } }, send(2)],
    };

    const outcomes = await replaySchedule(
      schedule,
      options(target, [{ id: 'a' }, { id: 'retry' }, { id: 'c' }], { timeScale: 1e-4, clock }),
    );

    expect(clock.slept).toEqual([90]);
    expect(sentBeforeSleep).toEqual([1]);
    expect(target.arrivals.map((a) => a.id)).toEqual(['a', 'retry', 'c']);
    expect(outcomes.every((o) => o.acknowledged)).toBe(true);
  });

  it("redelivers a webhook provider's unacknowledged event on its configured back-off (providerSettings.<name>.retry) instead of sweeping at once", async () => {
    const target = await startTarget();
    const clock = fakeClock();
    const timed = { ...fakeProvider, retry: redeliveryTiming('fake', { baseMs: 60_000, factor: 2, jitter: 0, timeScale: 0.001 }) };

    const outcomes = await replaySchedule(cleanSchedule(1), { ...options(target, [{ id: 'a', status: 500 }], { clock }), providers: () => timed });

    expect(clock.slept).toEqual([60, 120, 240]);
    expect(outcomes.map((o) => [o.origin, o.waitedMs])).toEqual([['schedule', undefined], ['redelivery', 60], ['redelivery', 120], ['redelivery', 240]]);
  });

  it("waits a delivery's waitMs on its clock as it is, whatever the time scale (a wait set against the target's own scaled timers)", async () => {
    const target = await startTarget();
    const clock = fakeClock();

    await replaySchedule({ steps: [send(0), { kind: 'send', delivery: { exchange: 0, waitMs: 1800 } }] }, options(target, [{ id: 'a' }], { clock }));

    expect(clock.slept).toEqual([1800]);
    expect(target.arrivals).toHaveLength(2);
  });

  it('records a delay without waiting it at the default timeScale 0', async () => {
    const target = await startTarget();
    const clock = fakeClock();

    await replaySchedule(
      { steps: [{ kind: 'send', delivery: { exchange: 0, delayMs: 86_400_000 } }] },
      options(target, [{ id: 'a' }], { clock }),
    );

    expect(clock.slept).toEqual([]);
    expect(target.arrivals).toHaveLength(1);
  });

  it('stops a provider back-off when its signal is aborted', async () => {
    const target = await startTarget();
    const controller = new AbortController();
    const clock: Clock = {
      now: () => 0,
      // A back-off that only ends by being cancelled; the cancel comes while it waits.
      sleep: (_ms, signal) =>
        new Promise<void>((_, reject) => {
          signal?.addEventListener('abort', () => reject(new Error('sleep aborted')), { once: true });
          setImmediate(() => controller.abort(new Error('stop now')));
        }),
    };
    const schedule: Schedule = { steps: [send(0), { kind: 'send', delivery: { exchange: 1, delayMs: 1000 } }] };

    const replay = replaySchedule(
      schedule,
      options(target, [{ id: 'a' }, { id: 'b' }], { timeScale: 1, clock, signal: controller.signal }),
    );

    await expect(replay).rejects.toThrow('stop now');
    expect(target.arrivals.map((a) => a.id)).toEqual(['a']);
  }, 5000); // without the signal the back-off never ends: fail fast, not at the suite timeout

  it('gives up on a slow answer after a timeout of seconds too (left to undici\'s own timers)', async () => {
    const target = await startTarget();

    const outcomes = await replaySchedule(
      cleanSchedule(1),
      options(target, [{ id: 'a', delayMs: 8000 }], { requestTimeoutMs: 2000, redeliveryRounds: 0 }),
    );

    // Decided by order, not by a margin: the answer would come 6 s after the timeout.
    expect(outcomes[0]).toMatchObject({ result: 'timeout', acknowledged: false });
  }, 10_000);

  it('gives up on a slow answer after the request timeout', async () => {
    const target = await startTarget();

    const outcomes = await replaySchedule(
      cleanSchedule(1),
      options(target, [{ id: 'a', delayMs: 400 }], { requestTimeoutMs: 60, redeliveryRounds: 0 }),
    );

    expect(outcomes[0]).toMatchObject({ result: 'timeout', acknowledged: false });
    expect(outcomes[0]!.durationMs).toBeLessThan(300);
  });

  it('redelivers what was never acknowledged and stops once it is', async () => {
    const target = await startTarget();

    const outcomes = await replaySchedule(
      cleanSchedule(2),
      options(target, [{ id: 'late', failFirst: 2 }, { id: 'ok' }]),
    );

    expect(outcomes.map((o) => [o.step, o.exchange, o.attempt, o.origin, o.status, o.acknowledged])).toEqual([
      [0, 0, 1, 'schedule', 409, false],
      [1, 1, 1, 'schedule', 200, true],
      [2, 0, 2, 'redelivery', 409, false],
      [3, 0, 3, 'redelivery', 200, true],
    ]);
  });

  it('redelivers the lost acknowledgement of an aborted delivery', async () => {
    const target = await startTarget();

    const outcomes = await replaySchedule(
      { steps: [send(0, 10)] },
      options(target, [{ id: 'a', delayMs: 60 }], { inFlight: target.inFlight }),
    );

    expect(outcomes.map((o) => [o.origin, o.result, o.attempt])).toEqual([
      ['schedule', 'aborted', 1],
      ['redelivery', 'answered', 2],
    ]);
  });

  it('bounds the redelivery sweep by redeliveryRounds', async () => {
    const target = await startTarget();
    const behaviours = [{ id: 'broken', status: 500 }];

    const three = await replaySchedule(cleanSchedule(1), options(target, behaviours));
    const none = await replaySchedule(cleanSchedule(1), options(target, behaviours, { redeliveryRounds: 0 }));

    expect(three.map((o) => o.origin)).toEqual(['schedule', 'redelivery', 'redelivery', 'redelivery']);
    expect(three.every((o) => o.status === 500 && !o.acknowledged)).toBe(true);
    expect(none).toHaveLength(1);
  });

  it('throws TARGET_UNREACHABLE naming the URL when the first request cannot connect', async () => {
    const target = await startTarget();
    await target.close();
    targets.length = 0;

    const replay = replaySchedule(cleanSchedule(2), options(target, [{ id: 'a' }, { id: 'b' }]));

    await expect(replay).rejects.toBeInstanceOf(IdemgateError);
    await expect(replay).rejects.toMatchObject({ code: 'TARGET_UNREACHABLE' });
    await expect(replay).rejects.toThrow(target.baseUrl);
  });

  it('reports a dropped connection later in the schedule as an error outcome naming the URL', async () => {
    const target = await startTarget();

    const outcomes = await replaySchedule(
      cleanSchedule(2),
      options(target, [{ id: 'a' }, { id: 'b', destroy: true }], { redeliveryRounds: 1 }),
    );

    expect(outcomes.map((o) => o.result)).toEqual(['answered', 'error', 'error']);
    expect(outcomes[1]!.error).toContain(`${target.baseUrl}/hook`);
    expect(outcomes[1]!.acknowledged).toBe(false);
  });

  it('keeps at most 64 KiB of a body and can still use the connection afterwards', async () => {
    const target = await startTarget();

    const outcomes = await replaySchedule(
      cleanSchedule(2),
      options(target, [{ id: 'big', bigBody: true }, { id: 'b' }]),
    );

    expect(outcomes[0]!.body).toHaveLength(MAX_BODY_BYTES);
    expect(outcomes[1]).toMatchObject({ result: 'answered', body: 'OK' });
    expect(target.connections()).toBe(1);
  });

  it('rejects a schedule naming an exchange the tape does not have', async () => {
    const target = await startTarget();

    await expect(replaySchedule({ steps: [send(3)] }, options(target, [{ id: 'a' }]))).rejects.toMatchObject({
      code: 'SCHEDULE_INVALID',
    });
    expect(target.arrivals).toHaveLength(0);
  });

  it('rejects a provider without configured secrets before sending anything', async () => {
    const target = await startTarget();

    await expect(
      replaySchedule(cleanSchedule(1), options(target, [{ id: 'a' }], { secrets: {} })),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(target.arrivals).toHaveLength(0);
  });

  it('stops when its signal is aborted', async () => {
    const target = await startTarget();
    const controller = new AbortController();
    // Cancel while the first request is in the target (not after a fixed time, which a loaded machine overruns).
    const watch = setInterval(() => {
      if (target.arrivals.length > 0) controller.abort(new Error('stop now'));
    }, 1);

    const replay = replaySchedule(
      cleanSchedule(3),
      options(target, [{ id: 'a', delayMs: 500 }, { id: 'b' }, { id: 'c' }], { signal: controller.signal }),
    ).finally(() => clearInterval(watch));

    await expect(replay).rejects.toThrow('stop now');
    expect(target.arrivals.map((a) => a.id)).toEqual(['a']);
  });

  it('tells each outcome as it is known, and `stop` ends the replay before the next delivery with its reason', async () => {
    const target = await startTarget();
    const stop = new AbortController();
    const told: string[] = [];
    const replay = replaySchedule(
      cleanSchedule(3),
      options(target, [{ id: 'a' }, { id: 'b' }, { id: 'c' }], {
        stop: stop.signal,
        onOutcome: (o) => {
          told.push(`${o.exchange}:${o.result}`);
          if (o.exchange === 1) stop.abort(new Error('target down'));
        },
      }),
    );

    await expect(replay).rejects.toThrow('target down');
    expect(told).toEqual(['0:answered', '1:answered']);
    expect(target.arrivals.map((a) => a.id)).toEqual(['a', 'b']);
  });
});

describe('createReplayer', () => {
  it('reuses one keep-alive connection for sequential sends across schedules', async () => {
    const target = await startTarget();
    const behaviours = Array.from({ length: 20 }, (_, i) => ({ id: `e${i}` }));
    const replayer = createReplayer(options(target, behaviours));

    try {
      const first = await replayer.replay(cleanSchedule(20));
      const second = await replayer.replay(cleanSchedule(20));

      expect([...first, ...second].every((o) => o.acknowledged)).toBe(true);
      // attempts restart per schedule: each replay is a fresh provider history
      expect(second.map((o) => o.attempt)).toEqual(Array.from({ length: 20 }, () => 1));
    } finally {
      await replayer.close();
    }
    expect(target.connections()).toBe(1);
  });
});

describe('a delivery marked for a crash (the crash-restart fault)', () => {
  /** A target whose `/hook` calls "upstream" first (the hold stands for it), then answers 200 OK. */
  async function crashable(): Promise<{ baseUrl: string; events: string[]; kill: () => void; hold: () => { called: Promise<void>; release(): void }; close: () => Promise<void> }> {
    const events: string[] = [];
    let armed: { arrived: () => void; released: Promise<void> } | undefined;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        void (async () => {
          events.push(`handled attempt ${String(req.headers['x-attempt'])}`);
          const hold = armed;
          armed = undefined;
          if (hold !== undefined) {
            hold.arrived();
            await hold.released;
          }
          if (!res.destroyed) res.writeHead(200).end('OK');
        })();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      events,
      kill: () => server.closeAllConnections(),
      hold: () => {
        let arrived = (): void => {};
        let release = (): void => {};
        const called = new Promise<void>((r) => (arrived = r));
        armed = { arrived, released: new Promise<void>((r) => (release = r)) };
        return { called, release: () => release() };
      },
      close: () => new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    };
  }

  const crashAt = (when: 'answered' | 'upstream-call', downtimeMs: number): Schedule => ({
    steps: [
      { kind: 'send', delivery: { exchange: 0, crash: { when, downtimeMs } } },
      { kind: 'send', delivery: { exchange: 0 } },
    ],
  });

  it('kills the target at its upstream call, restarts it, waits out the downtime on the clock, and redelivers to it', async () => {
    const t = await crashable();
    try {
      const clock = fakeClock((ms) => t.events.push(`slept ${ms}`));
      const outcomes = await replaySchedule(crashAt('upstream-call', 900), {
        ...options({ baseUrl: t.baseUrl } as TestTarget, [{ id: 'a' }], { clock, redeliveryRounds: 0 }),
        holdUpstreamCall: t.hold,
        crashTarget: async (whileDown) => {
          t.events.push('killed');
          t.kill();
          await whileDown();
          t.events.push('restarted');
        },
      });

      // The last sleep is the settle after an aborted delivery (settleMs 0 here).
      expect(t.events).toEqual(['handled attempt 1', 'killed', 'restarted', 'slept 900', 'handled attempt 2', 'slept 0']);
      expect(outcomes.map((o) => [o.result, o.acknowledged, o.error])).toEqual([
        ['aborted', false, 'target killed (SIGKILL) at its upstream call and restarted: injected crash-restart'],
        ['answered', true, undefined],
      ]);
    } finally {
      await t.close();
    }
  });

  it('kills it after its answer when asked to, or when it makes no upstream call, and throws the answer away', async () => {
    const t = await crashable();
    try {
      const kills: string[] = [];
      const crashTarget = async (whileDown: () => Promise<void>) => {
        kills.push(t.events.at(-1)!);
        await whileDown();
      };
      const answered = await replaySchedule(crashAt('answered', 0), { ...options({ baseUrl: t.baseUrl } as TestTarget, [{ id: 'a' }]), crashTarget });
      // No hold to take: nothing calls upstream here.
      const noCall = await replaySchedule(crashAt('upstream-call', 0), { ...options({ baseUrl: t.baseUrl } as TestTarget, [{ id: 'a' }]), crashTarget });

      expect(kills).toEqual(['handled attempt 1', 'handled attempt 1']);
      for (const outcomes of [answered, noCall]) {
        expect(outcomes[0]).toMatchObject({ result: 'aborted', acknowledged: false, error: 'target killed (SIGKILL) after it answered (answer discarded) and restarted: injected crash-restart' });
        expect(outcomes[1]).toMatchObject({ result: 'answered', acknowledged: true });
      }
    } finally {
      await t.close();
    }
  });

  it('refuses a crash on a target that cannot be restarted', async () => {
    const t = await crashable();
    try {
      await expect(replaySchedule(crashAt('answered', 0), options({ baseUrl: t.baseUrl } as TestTarget, [{ id: 'a' }]))).rejects.toMatchObject({
        code: 'FAULT_INVALID',
        message: expect.stringContaining("only a `kind: 'command'` target can") as unknown,
      });
    } finally {
      await t.close();
    }
  });
});

describe('client retry timing and request variants', () => {
  /** A client API: retries on its own backoff, and can send a variant (marked in a header here). */
  const clientProvider: Provider = {
    ...fakeProvider,
    name: 'fake',
    retry: { attempts: 4, baseMs: 100, factor: 2, maxMs: 1000, jitter: 0.5, timeScale: 0.1 },
    vary: (_exchange, variant, signed) => ({ ...signed, headers: { ...signed.headers, 'x-variant': variant.kind } }),
  };
  const clientOptions = (target: TestTarget, behaviours: Behaviour[], extra: Partial<ReplayOptions> = {}): ReplayOptions => ({
    ...options(target, behaviours, extra),
    providers: () => clientProvider,
  });

  it('retries an in-flight answer on the client backoff (scaled, jittered as data) until the stored answer comes', async () => {
    const target = await startTarget();
    const clock = fakeClock();

    const outcomes = await replaySchedule(cleanSchedule(1), clientOptions(target, [{ id: 'busy', failFirst: 2 }], { clock }));

    expect(outcomes.map((o) => [o.origin, o.status, o.acknowledged])).toEqual([
      ['schedule', 409, false],
      ['redelivery', 409, false],
      ['redelivery', 200, true],
    ]);
    // 100 ms then 200 ms of the client's, each less up to half by its jitter, at a tenth of real time.
    expect(clock.slept).toHaveLength(2);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(5);
    expect(clock.slept[0]).toBeLessThanOrEqual(10);
    expect(clock.slept[1]).toBeGreaterThanOrEqual(10);
    expect(clock.slept[1]).toBeLessThanOrEqual(20);
    expect(outcomes[1]!.waitedMs).toBe(clock.slept[0]);
    // The same exchange and retry always draw the same jitter: a seed replays the same waits.
    const again = fakeClock();
    await replaySchedule(cleanSchedule(1), clientOptions(target, [{ id: 'busy2', failFirst: 2 }], { clock: again }));
    expect(again.slept).toEqual(clock.slept);
  });

  it('gives up after the retry timing\'s attempts', async () => {
    const target = await startTarget();
    const outcomes = await replaySchedule(cleanSchedule(1), clientOptions(target, [{ id: 'locked', status: 409 }], { clock: fakeClock() }));
    expect(outcomes.map((o) => o.origin)).toEqual(['schedule', 'redelivery', 'redelivery', 'redelivery', 'redelivery']);
  });

  it('skips a scheduled client retry once the exchange is answered, and waits its backoff before one that is sent', async () => {
    const target = await startTarget();
    const clock = fakeClock();
    const schedule: Schedule = {
      steps: [
        { kind: 'send', delivery: { exchange: 0 } },
        { kind: 'send', delivery: { exchange: 0, backoff: { retry: 0, jitter: 0 } } },
        { kind: 'send', delivery: { exchange: 1 } },
        { kind: 'send', delivery: { exchange: 1, backoff: { retry: 2, jitter: 1 } } },
      ],
    };

    const outcomes = await replaySchedule(schedule, clientOptions(target, [{ id: 'ok' }, { id: 'slow', failFirst: 1 }], { clock }));

    expect(outcomes.map((o) => [o.exchange, o.step, o.status])).toEqual([
      [0, 0, 200],
      [1, 2, 409],
      [1, 3, 200],
    ]);
    // The skipped retry waited nothing; the sent one its 400 ms less all its jitter (half), at a tenth.
    expect(clock.slept).toEqual([20]);
  });

  it('sends a variant through the provider\'s vary, marks its outcome, and does not count its answer as the request\'s', async () => {
    const target = await startTarget();
    const received: string[] = [];
    const marking: Provider = { ...clientProvider, vary: (x, v, signed) => (received.push(v.kind), clientProvider.vary!(x, v, signed)) };
    const schedule: Schedule = { steps: [{ kind: 'send', delivery: { exchange: 0, variant: { kind: 'payload-mismatch', field: 'amount' } } }] };

    const outcomes = await replaySchedule(schedule, { ...clientOptions(target, [{ id: 'v' }], { clock: fakeClock() }), providers: () => marking });

    expect(received).toEqual(['payload-mismatch']);
    expect(outcomes[0]).toMatchObject({ variant: { kind: 'payload-mismatch', field: 'amount' }, status: 200, acknowledged: true });
    // Answered, but as a variant: the recorded request itself was never sent, so the client sends it.
    expect(outcomes.slice(1).map((o) => [o.origin, o.variant])).toEqual([['redelivery', undefined]]);
  });
});

describe('a client retry chain in the schedule', () => {
  it('goes on retrying until answered before the next step', async () => {
    const target = await startTarget();
    const provider: Provider = { ...fakeProvider, retry: { attempts: 5, baseMs: 10, timeScale: 0 } };
    const schedule: Schedule = {
      steps: [
        { kind: 'send', delivery: { exchange: 0, backoff: { retry: 0, jitter: 0, untilAnswered: true } } },
        { kind: 'send', delivery: { exchange: 1 } },
      ],
    };
    const outcomes = await replaySchedule(schedule, { ...options(target, [{ id: 'busy', failFirst: 3 }, { id: 'next' }]), providers: () => provider });
    expect(outcomes.map((o) => [o.exchange, o.step, o.status])).toEqual([
      [0, 0, 409],
      [0, 0, 409],
      [0, 0, 409],
      [0, 0, 200],
      [1, 1, 200],
    ]);
  });
});
