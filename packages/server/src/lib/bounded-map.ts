/**
 * Process-wide lookup caches: a map per owner (a database, a master key) that lives as long
 * as its owner, bounded by clearing it whole when full — no bookkeeping on the hot path.
 */
export function mapFor<O extends object, K, V>(maps: WeakMap<O, Map<K, V>>, owner: O): Map<K, V> {
  let map = maps.get(owner);
  if (!map) {
    map = new Map();
    maps.set(owner, map);
  }
  return map;
}

/** Sets `key`, first emptying the map if it already holds `max` entries. */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): V {
  if (map.size >= max) map.clear();
  map.set(key, value);
  return value;
}
