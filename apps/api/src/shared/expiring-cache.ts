/**
 * Values read from the database, each kept for `ttlMs` after it was read: what several
 * API instances share lives in the database, and an instance may answer from what it read
 * a moment ago (sessions, terminals' keys). At `maxEntries` it starts over rather than
 * grow; a `ttlMs` of 0 keeps nothing.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  /** The value kept for `key`, unless it is older than `ttlMs` at `now` (ms). */
  get(key: K, now: number): V | undefined {
    const hit = this.entries.get(key);
    return hit && hit.until > now ? hit.value : undefined;
  }

  set(key: K, value: V, now: number): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** Forgets every value that `matches`. */
  deleteWhere(matches: (value: V) => boolean): void {
    for (const [key, { value }] of this.entries) if (matches(value)) this.entries.delete(key);
  }
}
