/**
 * A map of at most `limit` entries where the first one set is the first to go: the memo of the turn's hot paths
 * (personal data found in a text, the guardrail rules' results, the trace's redactions), read several times for
 * each message. `lru-cache`, which the other bounded caches use, keeps its recency order on every read: here that
 * cost 14% of the stories bench's throughput (1,281 and 1,311 stories a second against 1,115 and 1,101, side by
 * side), for no better hit rate on a turn's repeated reads.
 */
export class FifoMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`FifoMap: limit must be a positive integer, not ${limit}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Sets `key`; a new key past the limit pushes out the oldest one (setting a key again keeps its place). */
  set(key: K, value: V): this {
    if (this.map.size >= this.limit && !this.map.has(key)) this.map.delete(this.map.keys().next().value as K);
    this.map.set(key, value);
    return this;
  }
}
