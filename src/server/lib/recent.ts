/**
 * A cache that keeps the `limit` entries read or written last. `recentPerDb(limit)` gives one per database (a
 * WeakMap keyed by the Db): two databases in one process, as in the tests, never share an entry, and a closed
 * database's entries go with it. Callers put in the key everything a value depends on (a data version, the URL).
 */
export class Recent<V> {
  readonly #entries = new Map<string, V>();
  constructor(readonly limit: number) {}

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.limit) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, value);
  }

  get size(): number {
    return this.#entries.size;
  }
}

export function recentPerDb<V>(limit: number): (db: object) => Recent<V> {
  const caches = new WeakMap<object, Recent<V>>();
  return (db) => {
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new Recent<V>(limit)));
    return cache;
  };
}
