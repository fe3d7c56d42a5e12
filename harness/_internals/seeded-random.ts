/**
 * mulberry32: a small seedable generator of floats in [0, 1), the same on every platform, so a
 * seed gives the same generated traffic (tapes, client-API templates) everywhere.
 *
 * @example
 * const next = seededRandom(7);
 * next(); // 0.…, the same for seed 7 on every machine
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
