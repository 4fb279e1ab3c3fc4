/**
 * A `Clock` that only moves when a test moves it; scheduled work runs as time passes it.
 * @module
 */
import type { Clock } from '../../src/platform.ts'
import { timerDelay } from '../../src/timers.ts'

/** 2025-01-01T00:00:00Z: a whole second, so HTTP dates round-trip exactly. */
export const EPOCH = Date.UTC(2025, 0, 1)

interface Timer {
  at: number
  seq: number
  fn: () => void
}

/** A manually driven clock. */
export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #timers: Timer[] = []

  constructor(start: number = EPOCH) {
    this.#now = start
  }

  /** Milliseconds since the epoch, as last set. */
  now(): number {
    return this.#now
  }

  /**
   * Runs `fn` when `advance` passes `ms` from now; returns a function that cancels it. Like
   * the real clocks, NaN and negatives are due now and any finite delay waits in full.
   */
  schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.#now + timerDelay(ms), seq: this.#seq++, fn }
    this.#timers.push(timer)
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer)
    }
  }

  /** Number of scheduled callbacks not yet run or cancelled. */
  get pendingTimers(): number {
    return this.#timers.length
  }

  /**
   * Moves time forward by `ms` milliseconds, running due callbacks in time order
   * (and in scheduling order at the same time), each with `now()` at its due time.
   */
  advance(ms: number): void {
    if (ms < 0) throw new RangeError(`a clock does not go back (advance by ${ms} ms)`)
    const target = this.#now + ms
    for (;;) {
      const due = this.#timers
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      this.#timers = this.#timers.filter((timer) => timer !== due)
      this.#now = due.at
      due.fn()
    }
    this.#now = target
  }
}
