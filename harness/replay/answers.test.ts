import { describe, expect, it } from 'vitest';
import type { Provider } from '../providers/provider.ts';
import type { Tape } from '../tape/schema.ts';
import { compareAnswers, describeAnswerDifference } from './answers.ts';
import type { DeliveryOutcome } from './outcome.ts';

// Acknowledges like FPX: a 200 whose body is OK.
const okProvider: Provider = {
  name: 'fake',
  interpret: (exchange) => ({ provider: 'fake', identity: `evt_${exchange.seq}` }),
  sign: (exchange) => ({ headers: {}, body: Buffer.from(exchange.body) }),
  acknowledged: ({ status, body }) => status === 200 && body === 'OK',
};

function tapeWith(responses: ({ status: number; body: string } | undefined)[]): Tape {
  return {
    header: { format: 'idemgate-tape', version: 1, name: 'answers', createdAt: '2026-03-16T03:00:00Z' },
    exchanges: responses.map((response, i) => ({
      seq: i + 1,
      provider: 'fake',
      method: 'POST',
      path: '/hook',
      headers: {},
      body: '{}',
      bodyEncoding: 'utf8' as const,
      recordedAt: '2026-03-16T03:00:00Z',
      ...(response === undefined ? {} : { response: { ...response, headers: {} } }),
    })),
  };
}

const answered = (exchange: number, status: number, body: string, attempt = 1): DeliveryOutcome => ({
  step: exchange,
  exchange,
  provider: 'fake',
  attempt,
  origin: 'schedule',
  result: 'answered',
  status,
  body,
  acknowledged: status === 200 && body === 'OK',
  startedAtMs: 0,
  durationMs: 1,
});
const label = (x: number): string => `#${x + 1} fake evt_${x + 1}`;

describe('compareAnswers', () => {
  it('lists a changed status with the body now answered, and the first answer only', () => {
    const tape = tapeWith([{ status: 200, body: 'OK' }, { status: 200, body: 'OK' }]);
    const deliveries = [answered(0, 200, 'OK'), answered(1, 500, '{"error":"ledger locked"}'), answered(1, 200, 'OK', 2)];

    const comparison = compareAnswers(tape, deliveries, () => okProvider, label);

    expect(comparison?.compared).toBe(2);
    expect(comparison?.differences.map(describeAnswerDifference)).toEqual(['#2 fake evt_2: recorded 200, now 500 {"error":"ledger locked"}']);
  });

  it('lists a body only when the same status is read differently by the provider', () => {
    const tape = tapeWith([{ status: 200, body: 'OK' }, { status: 200, body: '{"received":true}' }]);
    const deliveries = [answered(0, 200, 'FAILED'), answered(1, 200, '{"received":true,"id":2}')];

    const comparison = compareAnswers(tape, deliveries, () => okProvider, label);

    expect(comparison?.differences.map(describeAnswerDifference)).toEqual(['#1 fake evt_1: recorded 200 OK, now 200 FAILED']);
  });

  it('counts a request left unanswered as a difference, and skips exchanges recorded without an answer', () => {
    const tape = tapeWith([{ status: 200, body: 'OK' }, undefined]);
    const timeout: DeliveryOutcome = { ...answered(0, 200, 'OK'), result: 'timeout', acknowledged: false };
    delete timeout.status;
    delete timeout.body;

    const comparison = compareAnswers(tape, [timeout, answered(1, 500, 'x')], () => okProvider, label);

    expect(comparison).toEqual({ compared: 1, differences: [{ exchange: 0, label: '#1 fake evt_1', recorded: { status: 200 }, replayed: { result: 'timeout' } }] });
  });

  it('says nothing for a tape with no recorded answer', () => {
    expect(compareAnswers(tapeWith([undefined]), [answered(0, 500, 'x')], () => okProvider, label)).toBeUndefined();
  });
});
