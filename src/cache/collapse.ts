/**
 * Request collapsing: while one miss for a key is at the origin, later misses for the
 * same key wait for it and then look in the store again, so a burst of cold requests
 * makes one origin request (Varnish's waiting list, Fastly's request collapsing).
 * @module
 */

/** Keyed in-flight registry. */
export class Collapser {
  readonly #inFlight = new Map<string, Promise<void>>()

  /** The settle-promise of the fetch in flight for `key`, if any. */
  pending(key: string): Promise<void> | undefined {
    return this.#inFlight.get(key)
  }

  /**
   * Registers a fetch for `key`; returns `release`, to call once the outcome is in the
   * store (or known not to be storable). Waiters resume then.
   */
  begin(key: string): () => void {
    let release!: () => void
    const settled = new Promise<void>((resolve) => {
      release = resolve
    })
    this.#inFlight.set(key, settled)
    let released = false
    return () => {
      if (released) return
      released = true
      if (this.#inFlight.get(key) === settled) this.#inFlight.delete(key)
      release()
    }
  }

  /** Number of keys with a fetch in flight. */
  get size(): number {
    return this.#inFlight.size
  }
}
