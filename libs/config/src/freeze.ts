/** Deeply read-only collections: Object.freeze alone leaves a Set or Map mutable. */

function rejectMutation(): never {
  throw new TypeError('this configuration object is read-only');
}

export function frozenSet<T>(items: Iterable<T>): ReadonlySet<T> {
  const set = new Set(items);
  for (const method of ['add', 'delete', 'clear'] as const) {
    Object.defineProperty(set, method, { value: rejectMutation });
  }
  return Object.freeze(set);
}

export function frozenMap<K, V>(entries: Iterable<readonly [K, V]>): ReadonlyMap<K, V> {
  const map = new Map(entries);
  for (const method of ['set', 'delete', 'clear'] as const) {
    Object.defineProperty(map, method, { value: rejectMutation });
  }
  return Object.freeze(map);
}

export function frozenArray<T>(items: Iterable<T>): readonly T[] {
  return Object.freeze([...items]);
}
