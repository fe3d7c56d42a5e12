import type { Tape } from './schema.ts';
import { keepOrigin } from './read.ts';
import { IdemgateError } from '../errors.ts';

function mergeObjects(a: unknown, b: unknown): unknown {
  if (typeof a === 'object' && a !== null && !Array.isArray(a) && typeof b === 'object' && b !== null && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = k in out ? mergeObjects(out[k], v) : v;
    return out;
  }
  return b;
}

/**
 * One tape from several: exchanges in recorded-time order (stable for equal times), seq renumbered,
 * upstream data merged per provider. A single tape is returned unchanged.
 */
export function mergeTapes(tapes: readonly Tape[]): Tape {
  if (tapes.length === 1) return tapes[0]!;
  const first = tapes[0];
  if (first === undefined) throw new IdemgateError('USAGE', 'mergeTapes needs at least one tape');
  const exchanges = tapes
    .flatMap((t, tapeIndex) => t.exchanges.map((e, i) => ({ e, key: Date.parse(e.recordedAt), tapeIndex, i })))
    .sort((x, y) => x.key - y.key || x.tapeIndex - y.tapeIndex || x.i - y.i)
    .map(({ e }, i) => keepOrigin(e, { ...e, seq: i + 1 }));
  let upstream: unknown = undefined;
  for (const t of tapes) if (t.header.upstream !== undefined) upstream = mergeObjects(upstream, t.header.upstream);
  return {
    header: {
      ...first.header,
      name: tapes.map((t) => t.header.name).join('+'),
      ...(upstream === undefined ? {} : { upstream: upstream as Record<string, unknown> }),
    },
    exchanges,
    file: tapes.map((t) => t.file ?? '<memory>').join(', '),
  };
}
