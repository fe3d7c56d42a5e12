import { describe, expect, it } from 'vitest';
import { IdemgateError } from '../errors.ts';
import type { Clock } from '../replay/clock.ts';
import { waitForQuiet, type RunnableProbe } from './wait.ts';

/** A clock that only moves when slept on: the tests never wait for real. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A probe that answers the scripted answers in turn, then the last one for ever. */
function scripted(name: string, answers: (boolean | Error)[]): RunnableProbe & { polls: number } {
  const probe = {
    name,
    polls: 0,
    async poll() {
      const a = answers[Math.min(probe.polls++, answers.length - 1)]!;
      if (a instanceof Error) throw a;
      return { quiet: a, detail: a ? 'idle' : `busy at poll ${probe.polls}` };
    },
  };
  return probe;
}

describe('waitForQuiet', () => {
  it('returns once every probe answers quiet, with the time it waited on the given clock', async () => {
    const clock = fakeClock();
    const queue = scripted('queues', [false, false, true]);
    const sql = scripted('sql', [true]);
    const waited = await waitForQuiet([queue, sql], { timeoutMs: 1000, pollMs: 5, quietPolls: 1, clock });
    expect(waited).toEqual({ waitedMs: 10, polls: 3 });
    expect(clock.slept).toEqual([5, 5]);
  });

  it('needs quietPolls quiet answers in a row', async () => {
    const clock = fakeClock();
    const probe = scripted('p', [true, false, true, true, true]);
    const waited = await waitForQuiet([probe], { timeoutMs: 1000, pollMs: 1, quietPolls: 3, clock });
    expect(waited.polls).toBe(5);
  });

  it('gives up after timeoutMs with TARGET_NOT_QUIESCENT naming the busy probe and its last answer', async () => {
    const clock = fakeClock();
    const probe = scripted('BullMQ queues payments', [false]);
    const error = await waitForQuiet([probe], { timeoutMs: 100, pollMs: 10, quietPolls: 1, clock }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdemgateError);
    const e = error as IdemgateError<'TARGET_NOT_QUIESCENT'>;
    expect(e.code).toBe('TARGET_NOT_QUIESCENT');
    expect(e.details).toEqual({ probe: 'BullMQ queues payments', lastAnswer: 'busy at poll 11', waitedMs: 100 });
    expect(e.message).toContain('BullMQ queues payments still answered busy at poll 11');
    expect(e.message).toContain('not judged');
  });

  it('counts a probe that throws as busy, with its error as the answer', async () => {
    const clock = fakeClock();
    const probe = scripted('GET /idle', [new Error('ECONNREFUSED')]);
    const e = (await waitForQuiet([probe], { timeoutMs: 20, pollMs: 10, quietPolls: 1, clock }).catch((x: unknown) => x)) as IdemgateError<'TARGET_NOT_QUIESCENT'>;
    expect(e.details.lastAnswer).toBe('the probe failed: ECONNREFUSED');
  });
});
