/**
 * The cache lease (docs/cluster.md, "Purges a node missed"): a node may serve from its cache
 * only while its lease is fresh. The lease is renewed to `t + L` only by a check that began
 * at `t` and found this node had applied every record of the log so far; a publisher that
 * did not hear a node acknowledge a purge waits `L` (plus a margin) after the purge was
 * stored, by which time that node's lease has ended unless it applied the purge.
 *
 * Times are monotonic milliseconds of this process (`performance.now()`), and the argument
 * uses only durations, so clocks of different machines never need to agree.
 * @module
 */

export class Lease {
  readonly #now: () => number
  readonly #onRestart: () => void
  #until = Number.NEGATIVE_INFINITY

  /**
   * `onRestart` runs when a lapsed (or never granted) lease is granted again, before
   * anything is served: the cache fenced meanwhile is dropped there.
   */
  constructor(now: () => number, onRestart: () => void) {
    this.#now = now
    this.#onRestart = onRestart
  }

  /** Whether the cache may be served from now. */
  valid(): boolean {
    return this.#now() < this.#until
  }

  /** Monotonic ms at which the lease ends (negative infinity: none granted). */
  get until(): number {
    return this.#until
  }

  /** Extends the lease to `until` (never shortens it). */
  renew(until: number): void {
    if (until <= this.#now()) return
    if (!this.valid()) this.#onRestart()
    this.#until = Math.max(this.#until, until)
  }

  /** Ends the lease now (the node is stopping, or knows it missed records). */
  lapse(): void {
    this.#until = Number.NEGATIVE_INFINITY
  }
}
