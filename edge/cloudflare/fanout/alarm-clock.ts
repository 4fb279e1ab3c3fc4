/**
 * A `Clock` whose timers wake a Durable Object through its alarm. A pending `setTimeout`
 * keeps an object in memory (hibernation needs "no setTimeout/setInterval scheduled",
 * Cloudflare's Durable Object lifecycle docs), so the WebSocket timers that must outlive a
 * hibernation (WOH keep-alive polls, client keep-alives) use the one alarm an object has.
 *
 * Timers live in memory; the alarm only makes sure the object is running when the earliest
 * is due. After a hibernation the timers are gone, and whoever owns them schedules them again
 * from saved due times (`WsSession.restore`), which this clock then runs on `fire()`.
 * @module
 */
import type { Clock, Logger } from '../../../src/platform.ts'
import { MAX_TIMER_DELAY_MS, timerDelay } from '../../../src/timers.ts'

/** The part of `DurableObjectStorage` the clock uses. */
export interface AlarmStorage {
  setAlarm(scheduledTime: number): Promise<void>
  deleteAlarm(): Promise<void>
}

/**
 * Due times are rounded up to this step before setting the alarm, so many sockets with
 * timers a few milliseconds apart share one alarm write and one wake instead of one each.
 */
export const ALARM_STEP_MS = 1000

interface Timer {
  at: number
  seq: number
  fn: () => void
  cancelled: boolean
}

/** A clock over a Durable Object alarm; call `fire()` from the object's `alarm()`. */
export class AlarmClock implements Clock {
  readonly #storage: AlarmStorage
  readonly #logger: Logger
  readonly #now: () => number
  /** A binary min-heap by (at, seq); cancelled timers are dropped when they surface. */
  readonly #heap: Timer[] = []
  #seq = 0
  #armedAt: number | undefined

  constructor(storage: AlarmStorage, logger: Logger, now: () => number = Date.now) {
    this.#storage = storage
    this.#logger = logger
    this.#now = now
  }

  now(): number {
    return this.#now()
  }

  schedule(ms: number, fn: () => void): () => void {
    const timer: Timer = {
      // NaN and negatives are due now; an infinite delay stays in the heap until cancelled.
      at: this.#now() + timerDelay(ms),
      seq: this.#seq++,
      fn,
      cancelled: false,
    }
    this.#push(timer)
    this.#arm(timer.at)
    // A cancelled timer's alarm is left set: one wake for nothing costs less than a write.
    return () => {
      timer.cancelled = true
    }
  }

  /** Timers not yet run nor cancelled. */
  get pending(): number {
    return this.#heap.filter((timer) => !timer.cancelled).length
  }

  /** Runs every due timer (and those they schedule that are due too), then sets the next alarm. */
  fire(): void {
    this.#armedAt = undefined
    const now = this.#now()
    for (let top = this.#heap[0]; top && top.at <= now; top = this.#heap[0]) {
      this.#pop()
      if (top.cancelled) continue
      try {
        top.fn()
      } catch (error) {
        this.#logger.error('timer failed', { error: String(error) })
      }
    }
    while (this.#heap[0]?.cancelled) this.#pop()
    const next = this.#heap[0]
    if (next) this.#arm(next.at)
    else this.#storage.deleteAlarm().catch((error) => this.#failed(error))
  }

  #arm(at: number): void {
    // An alarm needs a valid date: a timer due further out than any platform timer reaches
    // wakes the object early, and `fire()` finds it not yet due and sets the alarm again.
    const latest = this.#now() + MAX_TIMER_DELAY_MS
    const when = Math.min(Math.ceil(at / ALARM_STEP_MS) * ALARM_STEP_MS, latest)
    if (this.#armedAt !== undefined && this.#armedAt <= when) return
    this.#armedAt = when
    this.#storage.setAlarm(when).catch((error) => this.#failed(error))
  }

  #failed(error: unknown): void {
    this.#armedAt = undefined
    this.#logger.error('alarm storage failed', { error: String(error) })
  }

  #push(timer: Timer): void {
    const heap = this.#heap
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }

  #pop(): void {
    const heap = this.#heap
    const last = heap.pop()
    if (!last || heap.length === 0) return
    heap[0] = last
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      const right = left + 1
      let smallest = i
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right
      if (smallest === i) return
      ;[heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!]
      i = smallest
    }
  }
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq)
