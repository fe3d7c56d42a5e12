import { describe, expect, it } from 'vitest';
import { readTape } from '../tape/read.ts';
import { prepareTape, replayCommand, scheduleFor } from './run-scenario.ts';
import { defineScenario } from './scenario.ts';

const root = new URL('../..', import.meta.url).pathname;

describe('prepareTape', () => {
  it('keeps a refund in the group of the payment it refunds', async () => {
    const prepared = prepareTape(await readTape(`${root}fixtures/tapes/stripe.jsonl`));
    const refundIndex = prepared.events.findIndex((e) => e.effect?.direction === 'out');
    expect(refundIndex).toBeGreaterThan(-1);
    const refundExchange = JSON.parse(prepared.tape.exchanges[refundIndex]!.body) as {
      data: { object: { payment_intent: string } };
    };
    expect(prepared.groups[refundIndex]).toBe(`stripe:${refundExchange.data.object.payment_intent}`);
    expect(prepared.groupOfReference.get(prepared.events[refundIndex]!.effect!.reference)).toBe(prepared.groups[refundIndex]);
  });
});

describe('scheduleFor', () => {
  it('replays only the chosen groups, in tape order, then applies the edits', async () => {
    const prepared = prepareTape(await readTape(`${root}fixtures/tapes/fpx.jsonl`));
    const group = prepared.groups.find((g, i) => prepared.groups.indexOf(g) !== i)!; // a group with ≥ 2 exchanges
    const members = prepared.groups.flatMap((g, i) => (g === group ? [i] : []));
    const clean = scheduleFor(prepared, { groups: [group], edits: [] });
    expect(clean.steps).toEqual(members.map((exchange) => ({ kind: 'send', delivery: { exchange } })));
    const raced = scheduleFor(prepared, { groups: [group], edits: [{ kind: 'concurrent-duplicates', at: 1, width: 3 }] });
    expect(raced.steps[1]).toEqual({ kind: 'concurrent', deliveries: [0, 1, 2].map(() => ({ exchange: members[1] })) });
  });
});

describe('defineScenario', () => {
  it('rejects misuse at once', () => {
    expect(() => defineScenario({ name: 'Bad Name', tapes: ['x'], faults: [] })).toThrow(/kebab-case/);
    expect(() => defineScenario({ name: 'ok', tapes: [], faults: [] })).toThrow(/names no tape/);
    expect(() => defineScenario({ name: 'ok', tapes: ['x'], faults: [], runs: 0 })).toThrow(/positive integer/);
  });
});

describe('replayCommand', () => {
  it('names seed and path so fast-check goes straight to the shrunk case', () => {
    expect(replayCommand('s', 42, '3:1:0')).toBe('npx idemgate run --scenario s --seed 42 --path "3:1:0"');
    expect(replayCommand('s', 42, '')).toBe('npx idemgate run --scenario s --seed 42');
  });
});
