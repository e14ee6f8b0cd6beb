// A bounded least-recently-used map: replay decides each distinct request once while it is recent, in flat memory.
export class DecisionLru<V> {
  private readonly entries = new Map<string, V>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, or undefined; a hit moves it to the most recent end. */
  get(key: string): V | undefined {
    const known = this.entries.get(key);
    if (known === undefined) return undefined;
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, known);
    return known;
  }

  set(key: string, value: V): void {
    this.misses++;
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
  }

  /** The value for `key`, computed by `make` on a miss; a hit moves it to the most recent end. */
  getOrCompute(key: string, make: () => V): V {
    const known = this.get(key);
    if (known !== undefined) return known;
    const value = make();
    this.set(key, value);
    return value;
  }
}
