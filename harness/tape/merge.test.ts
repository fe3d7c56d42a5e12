import { describe, expect, it } from 'vitest';
import { mergeTapes } from './merge.ts';
import type { Exchange, Tape, TapeHeader } from './schema.ts';

const exchange = (provider: string, recordedAt: string, body: string): Exchange => ({
  seq: 1,
  provider,
  method: 'POST',
  path: `/hooks/${provider}`,
  headers: {},
  body,
  bodyEncoding: 'utf8',
  recordedAt,
});

function tape(name: string, exchanges: Array<[string, string]>, header: Partial<TapeHeader> = {}): Tape {
  return {
    header: { format: 'idemgate-tape', version: 1, name, createdAt: '2026-03-09T00:00:00Z', ...header },
    exchanges: exchanges.map(([at, body], i) => ({ ...exchange(name, at, body), seq: i + 1 })),
    file: `${name}.jsonl`,
  };
}

describe('mergeTapes', () => {
  it('orders exchanges by recorded time across tapes and renumbers seq from 1', () => {
    const a = tape('a', [
      ['2026-03-09T10:00:00Z', 'a1'],
      ['2026-03-09T10:00:03Z', 'a2'],
    ]);
    const b = tape('b', [
      ['2026-03-09T10:00:01Z', 'b1'],
      ['2026-03-09T10:00:04Z', 'b2'],
    ]);

    const merged = mergeTapes([a, b]);

    expect(merged.exchanges.map((e) => [e.seq, e.body])).toEqual([
      [1, 'a1'],
      [2, 'b1'],
      [3, 'a2'],
      [4, 'b2'],
    ]);
  });

  it('compares instants, not strings: a time with an offset sorts by when it happened', () => {
    // 18:00:01+08:00 is 10:00:01Z: between b1 and b2, though as text it sorts after both.
    const a = tape('a', [['2026-03-09T18:00:01+08:00', 'a1']]);
    const b = tape('b', [
      ['2026-03-09T10:00:00Z', 'b1'],
      ['2026-03-09T10:00:02Z', 'b2'],
    ]);

    expect(mergeTapes([a, b]).exchanges.map((e) => e.body)).toEqual(['b1', 'a1', 'b2']);
  });

  it('keeps ties stable: tape order first, then each tape’s own order', () => {
    const at = '2026-03-09T10:00:00Z';
    const a = tape('a', [
      [at, 'a1'],
      [at, 'a2'],
    ]);
    const b = tape('b', [
      [at, 'b1'],
      [at, 'b2'],
    ]);

    expect(mergeTapes([b, a]).exchanges.map((e) => e.body)).toEqual(['b1', 'b2', 'a1', 'a2']);
    expect(mergeTapes([a, b]).exchanges.map((e) => e.body)).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('keeps the first header, joins names and files, and merges upstream data per provider', () => {
    const a = tape('a', [['2026-03-09T10:00:00Z', 'a1']], {
      description: 'first',
      upstream: { shopee: { escrow: { O1: 1 } }, fpx: { enquiry: { X: '00' } } },
    });
    const b = tape('b', [['2026-03-09T10:00:01Z', 'b1']], { upstream: { shopee: { escrow: { O2: 2 } } } });

    const merged = mergeTapes([a, b]);

    expect(merged.header).toEqual({
      format: 'idemgate-tape',
      version: 1,
      name: 'a+b',
      description: 'first',
      createdAt: '2026-03-09T00:00:00Z',
      upstream: { shopee: { escrow: { O1: 1, O2: 2 } }, fpx: { enquiry: { X: '00' } } },
    });
    expect(merged.file).toBe('a.jsonl, b.jsonl');
  });

  it('does not change the tapes it merges', () => {
    const a = tape('a', [['2026-03-09T10:00:02Z', 'a1']]);
    const b = tape('b', [['2026-03-09T10:00:01Z', 'b1']]);
    const before = structuredClone([a, b]);

    mergeTapes([a, b]);

    expect([a, b]).toEqual(before);
  });

  it('returns a single tape as it is, and refuses no tapes', () => {
    const a = tape('a', [['2026-03-09T10:00:00Z', 'a1']]);

    expect(mergeTapes([a])).toBe(a);
    expect(() => mergeTapes([])).toThrow(/at least one tape/);
  });
});
