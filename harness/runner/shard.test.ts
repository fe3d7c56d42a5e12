import { describe, expect, it } from 'vitest';
import { isIdemgateError } from '../errors.ts';
import { completeShardSet, parseShard, sameSetting, shardOf, type Shard } from './shard.ts';

const errorOf = (f: () => unknown): { code: string; message: string } => {
  try {
    f();
  } catch (e) {
    if (isIdemgateError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an IdemgateError');
};

describe('parseShard', () => {
  it('reads i/n, 1-based', () => {
    expect(parseShard('1/4')).toEqual({ index: 1, count: 4 });
    expect(parseShard('4/4')).toEqual({ index: 4, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    expect(parseShard(' 2 / 3 ')).toEqual({ index: 2, count: 3 });
  });

  it.each(['0/4', '5/4', '1/0', '0/0', '-1/4', '1.5/4', '1/4.0', '2', '2/', '/4', 'a/b', '1/4/2', '', '99999999999999999999/99999999999999999999'])(
    'rejects %j as a USAGE error naming the value',
    (text) => {
      const e = errorOf(() => parseShard(text));
      expect(e.code).toBe('USAGE');
      expect(e.message).toContain(`"${text}"`);
      expect(e.message).toContain('--shard');
    },
  );
});

describe('shardOf', () => {
  const items = Array.from({ length: 11 }, (_, k) => `s${k}`);
  const shards = (count: number): Shard[] => Array.from({ length: count }, (_, i) => ({ index: i + 1, count }));

  it('is round robin in list order', () => {
    expect(shardOf(['a', 'b', 'c', 'd', 'e'], { index: 1, count: 2 })).toEqual(['a', 'c', 'e']);
    expect(shardOf(['a', 'b', 'c', 'd', 'e'], { index: 2, count: 2 })).toEqual(['b', 'd']);
    expect(shardOf(items, { index: 1, count: 1 })).toEqual(items);
  });

  it.each([1, 2, 3, 4, 5, 11, 12, 20])('n = %i: disjoint, complete, order kept, sizes within one, deterministic', (count) => {
    const parts = shards(count).map((s) => shardOf(items, s));
    const all = parts.flat();
    expect(all).toHaveLength(items.length);
    expect(new Set(all).size).toBe(items.length);
    expect([...all].sort()).toEqual([...items].sort());
    for (const part of parts) expect(part).toEqual(items.filter((x) => part.includes(x)));
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(shards(count).map((s) => shardOf(items, s))).toEqual(parts);
  });

  it('leaves the shards past the item count empty', () => {
    expect(shards(4).map((s) => shardOf(['a', 'b', 'c'], s))).toEqual([['a'], ['b'], ['c'], []]);
  });
});

describe('completeShardSet', () => {
  const part = (index: number, count: number, source = `s${index}/results.json`) => ({ source, shard: { index, count } });

  it('orders a complete set by index', () => {
    expect(completeShardSet([part(3, 3), part(1, 3), part(2, 3)]).map((p) => p.shard.index)).toEqual([1, 2, 3]);
  });

  it('names a missing shard and what was given', () => {
    const e = errorOf(() => completeShardSet([part(1, 4), part(2, 4), part(4, 4)]));
    expect(e.code).toBe('REPORTS_INVALID');
    expect(e.message).toMatch(/^shard 3\/4 is missing \(given: 1\/4 from s1\/results\.json; 2\/4 from s2\/results\.json; 4\/4 from s4\/results\.json\)/);
    expect(errorOf(() => completeShardSet([part(2, 4)])).message).toMatch(/^shard 1\/4, 3\/4, 4\/4 are missing/);
  });

  it('names a shard given twice and both files', () => {
    const e = errorOf(() => completeShardSet([part(1, 2), part(2, 2, 'a/results.json'), part(2, 2, 'b/results.json')]));
    expect(e.message).toBe('shard 2/2 appears twice: a/results.json and b/results.json');
  });

  it('names shards of different splits', () => {
    const e = errorOf(() => completeShardSet([part(1, 2), part(2, 3)]));
    expect(e.message).toBe('s2/results.json is shard 2/3 but s1/results.json is shard 1/2: the shards were split differently (different n)');
  });

  it('refuses an empty set', () => {
    expect(errorOf(() => completeShardSet([])).code).toBe('REPORTS_INVALID');
  });
});

describe('sameSetting', () => {
  const parts = [
    { source: 'a/results.json', shard: { index: 1, count: 2 }, seed: 5 },
    { source: 'b/results.json', shard: { index: 2, count: 2 }, seed: 7 },
  ];

  it('names both files, both shards and both values', () => {
    const e = errorOf(() => sameSetting(parts, 'seed', (p) => p.seed));
    expect(e.code).toBe('REPORTS_INVALID');
    expect(e.message).toBe('b/results.json (shard 2/2) has seed 7, but a/results.json (shard 1/2) has 5: these are not shards of one run');
  });

  it('passes equal values, compared as JSON', () => {
    expect(() => sameSetting(parts, 'list', (p) => ['x', p.source.length])).not.toThrow();
  });
});
