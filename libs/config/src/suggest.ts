/**
 * Returns the edit distance in which insertions, deletions, substitutions and swaps of two
 * neighbouring characters each cost 1 (optimal string alignment), so `wiat` is one edit
 * from `wait`.
 */
export function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const deletion = (previous[j] ?? 0) + 1;
      const insertion = (current[j - 1] ?? 0) + 1;
      let best = Math.min(substitution, deletion, insertion);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function maxEdits(length: number): number {
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

/**
 * Returns the candidate closest to `input` (case-insensitive), or null when none is
 * close enough: at most 1 edit for words of up to 4 characters, 2 up to 8, 3 beyond.
 */
export function closestMatch(input: string, candidates: Iterable<string>): string | null {
  const word = input.toLowerCase();
  const limit = maxEdits(word.length);
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Returns `did you mean "x"?` for the closest candidate, or null. */
export function didYouMean(input: string, candidates: Iterable<string>): string | null {
  const match = closestMatch(input, candidates);
  return match === null ? null : `did you mean "${match}"?`;
}

/** Builds a hint naming the closest allowed value, if any, and listing all of them. */
export function allowedValuesHint(input: string, allowed: readonly string[]): string {
  const suggestion = didYouMean(input, allowed);
  const list = `allowed values: ${allowed.join(', ')}`;
  return suggestion === null ? list : `${suggestion} ${list}`;
}
