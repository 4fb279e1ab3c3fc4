/**
 * The purge fence (ARCHITECTURE.md, "Consistency contract" 4): a response whose origin
 * fetch began before a purge of one of its surrogate keys is not stored. It still answers
 * the request that asked for it, but a slow in-flight fetch can never refill the cache with
 * content older than a publish.
 *
 * Purges are numbered; a fetch remembers the number current when it started. Purge numbers
 * per key are kept only while some fetch is in flight, so memory stays bounded.
 * @module
 */

export class PurgeFence {
  #epoch = 0
  readonly #purgedAt = new Map<string, number>()
  /** Start epoch → fetches in flight that started then. */
  readonly #inFlight = new Map<number, number>()

  /** Marks the start of an origin fetch; pass the result to `allows` and then `end`. */
  begin(): number {
    this.#inFlight.set(this.#epoch, (this.#inFlight.get(this.#epoch) ?? 0) + 1)
    return this.#epoch
  }

  /** Marks the end of a fetch begun at `start` (call exactly once). */
  end(start: number): void {
    const count = (this.#inFlight.get(start) ?? 1) - 1
    if (count > 0) this.#inFlight.set(start, count)
    else this.#inFlight.delete(start)
    if (this.#inFlight.size === 0) this.#purgedAt.clear()
  }

  /** Records a purge of `keys`. */
  purged(keys: readonly string[]): void {
    this.#epoch += 1
    if (this.#inFlight.size === 0) return
    for (const key of keys) this.#purgedAt.set(key, this.#epoch)
  }

  /** Whether a response fetched since `start` and tagged with `keys` may be stored. */
  allows(start: number, keys: readonly string[]): boolean {
    for (const key of keys) if ((this.#purgedAt.get(key) ?? 0) > start) return false
    return true
  }

  /** Keys remembered right now (for tests: bounded by in-flight fetches). */
  get size(): number {
    return this.#purgedAt.size
  }
}
