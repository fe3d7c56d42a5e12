import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import type { Provider } from '../providers/provider.ts';
import { cleanSchedule, type Schedule } from '../schedule/schedule.ts';
import type { Tape } from '../tape/schema.ts';
import type { Clock } from './clock.ts';
import { replaySchedule, type ReplayOptions } from './replay.ts';
import { describeTimingPlan, recordedGaps, recordedTiming, timingPlan } from './timing.ts';

// Recorded at 03:00:00, 03:00:40, 03:04:40 and 05:04:40 (two hours later).
const RECORDED = ['2026-03-16T03:00:00.000+08:00', '2026-03-16T03:00:40.000+08:00', '2026-03-16T03:04:40.000+08:00', '2026-03-16T05:04:40.000+08:00'];
const tape: Tape = {
  header: { format: 'idemgate-tape', version: 1, name: 'timing-test', createdAt: '2026-03-16T06:00:00Z' },
  exchanges: RECORDED.map((recordedAt, i) => ({
    seq: i + 1,
    provider: 'fake',
    method: 'POST',
    path: '/hook',
    headers: {},
    body: `{"n":${i}}`,
    bodyEncoding: 'utf8' as const,
    recordedAt,
  })),
};

const fakeProvider: Provider = {
  name: 'fake',
  interpret: (exchange) => ({ provider: 'fake', identity: String(exchange.seq) }),
  sign: (exchange) => ({ headers: { 'content-type': 'application/json' }, body: Buffer.from(exchange.body) }),
  acknowledged: ({ status }) => status === 200,
};

/** A clock that waits nothing: it records each sleep and how many requests had arrived before it. */
function fakeClock(arrived: () => number): Clock & { slept: { ms: number; after: number }[] } {
  let now = 0;
  const slept: { ms: number; after: number }[] = [];
  return {
    slept,
    now: () => now,
    async sleep(ms) {
      slept.push({ ms, after: arrived() });
      now += ms;
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
  };
}

let server: http.Server;
let baseUrl: string;
let arrivals = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      arrivals++;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function replayTimed(schedule: Schedule, extra: Partial<ReplayOptions>) {
  arrivals = 0;
  const clock = fakeClock(() => arrivals);
  const outcomes = await replaySchedule(schedule, {
    tape,
    providers: () => fakeProvider,
    baseUrl,
    secrets: { fake: {} },
    settleMs: 0,
    clock,
    ...extra,
  });
  return { outcomes, slept: clock.slept };
}

const send = (exchange: number): Schedule['steps'][number] => ({ kind: 'send', delivery: { exchange } });

describe('recorded timing', () => {
  it('waits each recorded gap before its delivery, divided by the speed, each at most the cap', async () => {
    const { outcomes, slept } = await replayTimed(cleanSchedule(4), { timing: recordedTiming({ speed: 10, maxGapMs: 60_000 }) });

    // 40 s / 10, 4 min / 10, 2 h / 10 = 12 min capped at 1 min; each waited after the previous delivery arrived.
    expect(slept).toEqual([
      { ms: 4_000, after: 1 },
      { ms: 24_000, after: 2 },
      { ms: 60_000, after: 3 },
    ]);
    expect(outcomes.map((o) => o.gapMs)).toEqual([undefined, 4_000, 24_000, 60_000]);
  });

  it('waits nothing by default', async () => {
    const { slept } = await replayTimed(cleanSchedule(4), {});

    expect(slept).toEqual([]);
  });

  it('gives a duplicate no gap of its own and a reordered exchange its own gap, wherever it lands', async () => {
    const schedule: Schedule = {
      steps: [send(0), send(2), send(1), send(1), { kind: 'concurrent', deliveries: [{ exchange: 3 }, { exchange: 3 }] }],
    };

    const { slept } = await replayTimed(schedule, { timing: recordedTiming({ speed: 1, maxGapMs: 10 * 3_600_000 }) });

    // #3 waits its 4 min after #2, #2 its 40 s after #1, the duplicate of #2 nothing, the concurrent pair #4's 2 h once.
    expect(slept.map((s) => s.ms)).toEqual([240_000, 40_000, 7_200_000]);
  });

  it('waits, for any schedule over the same exchanges, the total of their clean replay', async () => {
    const timing = recordedTiming({ speed: 2, maxGapMs: 90_000 });
    const clean = (await replayTimed(cleanSchedule(4), { timing })).slept.reduce((a, s) => a + s.ms, 0);
    const step = fc.oneof(
      fc.nat(3).map(send),
      fc.array(fc.nat(3), { minLength: 2, maxLength: 3 }).map((xs): Schedule['steps'][number] => ({ kind: 'concurrent', deliveries: xs.map((exchange) => ({ exchange })) })),
    );
    // Every exchange at least once, in any order, with duplicates and concurrent groups.
    const schedules = fc.tuple(fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4 }), fc.array(step, { maxLength: 4 })).map(([all, extra]): Schedule => ({ steps: [...all.map(send), ...extra] }));

    await fc.assert(
      fc.asyncProperty(schedules, async (schedule) => {
        const { slept } = await replayTimed(schedule, { timing });
        expect(slept.reduce((a, s) => a + s.ms, 0)).toBe(clean);
      }),
      { numRuns: 15 },
    );
  });

  it('takes the gaps among the exchanges a schedule delivers: a subset of entities keeps their own distance', () => {
    expect([...recordedGaps(tape, [3, 0]).entries()]).toEqual([
      [0, 0],
      [3, 7_480_000],
    ]);
  });

  it('plans before it runs: the total, the recorded span and the gaps cut by the cap', () => {
    const plan = timingPlan(tape, cleanSchedule(4), recordedTiming({ speed: 10 }));

    expect(plan).toMatchObject({ waitMs: 88_000, recordedMs: 7_480_000, capped: 1 });
    expect(describeTimingPlan(plan)).toBe('recorded timing at ×10: 1 min 28 s of gaps (recorded 2 h 4 min; 1 gap capped at 1 min)');
  });

  it('refuses a speed of 0, a negative one and a cap of 0', () => {
    expect(() => recordedTiming({ speed: 0 })).toThrow(IdemgateError);
    expect(() => recordedTiming({ speed: -2 })).toThrow(/positive/);
    expect(() => recordedTiming({ maxGapMs: 0 })).toThrow(/positive/);
  });

  it('ends a long gap at once when the replay is cancelled', async () => {
    const controller = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
          controller.abort('SIGINT');
        }),
    };

    const replay = replaySchedule(cleanSchedule(2), {
      tape,
      providers: () => fakeProvider,
      baseUrl,
      secrets: { fake: {} },
      clock,
      signal: controller.signal,
      timing: recordedTiming(),
    });

    await expect(replay).rejects.toBe('SIGINT');
  });
});
