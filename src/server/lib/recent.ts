/**
 * A cache that keeps the `limit` entries read or written last. `recentPer(limit)` gives one per owner object (a
 * WeakMap keyed by it: a database, an app's configuration): two databases or apps in one process, as in the tests,
 * never share an entry, and an owner's entries go with it. Callers put in the key everything a value depends on (a
 * data version, the URL).
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

export function recentPer<V>(limit: number): (owner: object) => Recent<V> {
  const caches = new WeakMap<object, Recent<V>>();
  return (owner) => {
    let cache = caches.get(owner);
    if (!cache) caches.set(owner, (cache = new Recent<V>(limit)));
    return cache;
  };
}
