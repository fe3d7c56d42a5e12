import { IdemgateError } from '../errors.ts';

/**
 * One of `count` parts of a run, 1-based as written on the command line (`--shard 2/4`). The
 * split is round robin over a list every shard computes the same way (the selected scenarios in
 * load order, or the planned mutants): item k goes to shard (k mod count) + 1. Each item keeps
 * its own seed and runs, so shard by shard the work is exactly the unsharded run's, cut in parts.
 */
export interface Shard {
  index: number;
  count: number;
}

/** `2/4` for a shard. */
export const shardLabel = (s: Shard): string => `${s.index}/${s.count}`;

/**
 * Reads `--shard i/n`; anything but two integers with 1 ≤ i ≤ n is a USAGE error naming the value.
 *
 * @example
 * parseShard('2/4') // { index: 2, count: 4 }
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) {
    throw new IdemgateError('USAGE', `--shard must be i/n with 1 ≤ i ≤ n, e.g. --shard 1/4 for the first of four; got "${text}"`);
  }
  return { index, count };
}

/**
 * The items one shard takes: every `count`-th, starting at `index - 1`. Over i = 1…n the shards
 * are disjoint, together hold every item once, keep the list's order, and differ in size by at
 * most one.
 *
 * @example
 * shardOf(['a', 'b', 'c', 'd', 'e'], { index: 2, count: 2 }) // ['b', 'd']
 */
export function shardOf<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, k) => k % shard.count === shard.index - 1);
}

/** A shard's output as read back for a merge: where it came from, which shard it says it is. */
export interface ShardPart {
  /** The file read (results.json, mutation.json), for messages. */
  source: string;
  shard: Shard;
}

/**
 * Checks that the parts are the shards of one split: the same count, every index from 1 to n
 * exactly once. Returns them ordered by index; otherwise throws REPORTS_INVALID naming the
 * missing, duplicated or differently-split shard and its file.
 */
export function completeShardSet<P extends ShardPart>(parts: readonly P[]): P[] {
  if (parts.length === 0) throw new IdemgateError('REPORTS_INVALID', 'no shard reports to merge');
  const first = parts[0]!;
  for (const p of parts) {
    if (p.shard.count !== first.shard.count) {
      throw new IdemgateError(
        'REPORTS_INVALID',
        `${p.source} is shard ${shardLabel(p.shard)} but ${first.source} is shard ${shardLabel(first.shard)}: the shards were split differently (different n)`,
        { details: { file: p.source } },
      );
    }
  }
  const byIndex = new Map<number, P>();
  for (const p of parts) {
    const seen = byIndex.get(p.shard.index);
    if (seen !== undefined) {
      throw new IdemgateError('REPORTS_INVALID', `shard ${shardLabel(p.shard)} appears twice: ${seen.source} and ${p.source}`, { details: { file: p.source } });
    }
    byIndex.set(p.shard.index, p);
  }
  const count = first.shard.count;
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) {
    const have = [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index).map((p) => `${shardLabel(p.shard)} from ${p.source}`);
    throw new IdemgateError(
      'REPORTS_INVALID',
      `shard ${missing.map((i) => `${i}/${count}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing (given: ${have.join('; ')}): pass every shard's reports folder`,
    );
  }
  return [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index);
}

/**
 * Checks that every part agrees with the first on one setting (compared as JSON); otherwise
 * throws REPORTS_INVALID naming both files, both shards and both values.
 */
export function sameSetting<P extends ShardPart>(parts: readonly P[], what: string, get: (p: P) => unknown): void {
  const first = parts[0];
  if (first === undefined) return;
  const want = JSON.stringify(get(first)) ?? 'undefined';
  for (const p of parts.slice(1)) {
    const got = JSON.stringify(get(p)) ?? 'undefined';
    if (got !== want) {
      throw new IdemgateError(
        'REPORTS_INVALID',
        `${p.source} (shard ${shardLabel(p.shard)}) has ${what} ${got}, but ${first.source} (shard ${shardLabel(first.shard)}) has ${want}: these are not shards of one run`,
        { details: { file: p.source } },
      );
    }
  }
}
