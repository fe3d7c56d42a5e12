/**
 * Delta debugging (Zeller's ddmin, simplified): a smallest sublist of `items`, order kept, for which
 * `fails` holds — each chunk alone is tried, then each complement, the chunks halving down to single
 * items. `fails(items)` is taken as known. Stops as soon as `more()` says no (a budget), returning
 * the smallest failing sublist found so far. 1-minimal when it runs to the end: no single item can
 * be left out.
 *
 * @example
 * await minimise([1, 2, 3, 4, 5, 6], async (xs) => xs.includes(2) && xs.includes(5), () => true); // [2, 5]
 */
export async function minimise<T>(items: readonly T[], fails: (subset: T[]) => Promise<boolean>, more: () => boolean): Promise<T[]> {
  let current = [...items];
  let chunks = 2;
  while (current.length > 1 && more()) {
    const size = Math.ceil(current.length / chunks);
    const parts: T[][] = [];
    for (let i = 0; i < current.length; i += size) parts.push(current.slice(i, i + size));
    let reduced: T[] | undefined;
    for (const part of parts) {
      if (!more()) return current;
      if (await fails(part)) {
        reduced = part;
        chunks = 2;
        break;
      }
    }
    // With two parts a complement is the other part, already tried alone.
    for (let i = 0; reduced === undefined && parts.length > 2 && i < parts.length; i++) {
      if (!more()) return current;
      const complement = parts.filter((_, j) => j !== i).flat();
      if (await fails(complement)) {
        reduced = complement;
        chunks = Math.max(chunks - 1, 2);
      }
    }
    if (reduced !== undefined) current = reduced;
    else if (size === 1) break;
    else chunks = Math.min(chunks * 2, current.length);
  }
  return current;
}
