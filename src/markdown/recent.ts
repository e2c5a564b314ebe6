/**
 * A map kept to its most recently used entries: what the Markdown plugin (a block's HTML) and
 * the Markdown preview script (a block's drawing) keep from one render of a note to the next.
 */
export function keepRecent<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  // Deleted first, so that the entry moves to the end: the first entry is the least recent.
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value as K);
}
