/**
 * "Did you mean" for the CLI and for names in tapes and configs: the known word closest to what was typed, by edit distance
 * (Damerau–Levenshtein, optimal string alignment: a swapped pair of letters is one edit).
 */

/** Edits (insert, delete, substitute, swap two neighbours) that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `typed` (case-insensitive), if it is close enough to be a typo: at most
 * a third of the word's length in edits (at least one, at most three); ties go to the first.
 *
 * @example
 * closest('rnu', ['run', 'gate']); // 'run'
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  let best: { word: string; distance: number } | undefined;
  for (const word of candidates) {
    const distance = editDistance(typed.toLowerCase(), word.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { word, distance };
  }
  return best?.word;
}

/** `; did you mean X?` for a message, or '' when nothing is close. */
export function didYouMean(
  typed: string,
  candidates: readonly string[],
  show: (word: string) => string = (w) => w,
): string {
  const word = closest(typed, candidates);
  return word === undefined ? '' : `; did you mean ${show(word)}?`;
}
