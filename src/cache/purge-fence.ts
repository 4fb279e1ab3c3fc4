/**
 * The purge fence (ARCHITECTURE.md, "Consistency contract" 4): a response whose origin
 * fetch began before a purge of one of its surrogate keys is not stored. It still answers
 * the request that asked for it, but a slow in-flight fetch can never refill the cache with
 * content older than a publish.
 *
 * Purges are numbered (generations); a fetch remembers the generation current when it
 * began. A purged key is remembered with the generation of its last purge only while some
 * fetch that began before that purge is in flight: once the oldest fetch in flight began at
 * or after it, no fetch can be refused because of it (issue #12 item 7: with a fetch always
 * in flight, every purged key used to be kept). The count is bounded too: when it must
 * forget a key early, every fetch that began before that purge is refused whatever its
 * keys, so forgetting can cost a store, never a stale entry.
 * @module
 */

/** Keys remembered at most, whatever is in flight. */
export const DEFAULT_FENCE_MAX_KEYS = 10_000

export interface PurgeFenceOptions {
  /** Keys remembered at most (default `DEFAULT_FENCE_MAX_KEYS`). */
  maxKeys?: number
}

export class PurgeFence {
  readonly #maxKeys: number
  #generation = 0
  /** Key → generation of its last purge; Map order is purge order, oldest first. */
  readonly #purgedAt = new Map<string, number>()
  /**
   * Start generation → fetches in flight that began then. Generations only grow, so Map
   * order is start order and the first key is the oldest fetch in flight.
   */
  readonly #inFlight = new Map<number, number>()
  /** The newest generation whose keys were forgotten early: older fetches are refused. */
  #forgottenUpTo = 0

  constructor(options: PurgeFenceOptions = {}) {
    this.#maxKeys = Math.max(1, options.maxKeys ?? DEFAULT_FENCE_MAX_KEYS)
  }

  /** Marks the start of an origin fetch; pass the result to `allows` and then `end`. */
  begin(): number {
    this.#inFlight.set(this.#generation, (this.#inFlight.get(this.#generation) ?? 0) + 1)
    return this.#generation
  }

  /** Marks the end of a fetch begun at `start` (call exactly once). */
  end(start: number): void {
    const count = (this.#inFlight.get(start) ?? 1) - 1
    if (count > 0) this.#inFlight.set(start, count)
    else this.#inFlight.delete(start)
    this.#prune()
  }

  /** Records a purge of `keys`. */
  purged(keys: readonly string[]): void {
    this.#generation += 1
    if (this.#inFlight.size === 0) return
    for (const key of keys) {
      // Re-inserted, so the Map stays in purge order.
      this.#purgedAt.delete(key)
      this.#purgedAt.set(key, this.#generation)
    }
    for (const [key, at] of this.#purgedAt) {
      if (this.#purgedAt.size <= this.#maxKeys) break
      this.#purgedAt.delete(key)
      this.#forgottenUpTo = Math.max(this.#forgottenUpTo, at)
    }
  }

  /** Whether a response fetched since `start` and tagged with `keys` may be stored. */
  allows(start: number, keys: readonly string[]): boolean {
    if (start < this.#forgottenUpTo) return false
    for (const key of keys) if ((this.#purgedAt.get(key) ?? 0) > start) return false
    return true
  }

  /** Keys remembered right now (for tests: bounded by in-flight fetches and `maxKeys`). */
  get size(): number {
    return this.#purgedAt.size
  }

  /** Forgets purges no fetch in flight began before. */
  #prune(): void {
    const oldest = this.#inFlight.keys().next()
    if (oldest.done) {
      this.#purgedAt.clear()
      return
    }
    for (const [key, at] of this.#purgedAt) {
      if (at > oldest.value) break
      this.#purgedAt.delete(key)
    }
  }
}
