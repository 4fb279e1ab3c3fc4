/**
 * `MemoryHistoryStore`: the history in this process (Node, and the fake every unit test
 * uses). Per channel a ring of the newest items, each dropped when pushed out by `size` or
 * older than `ttlMs` by the injected clock; channels are an LRU of at most `maxChannels`
 * (least recently appended forgotten first), so memory is bounded whatever is published:
 * at most `maxChannels` × the largest channel `size` items.
 * @module
 */
import type { PublishItem } from '../grip/publish-item.ts'
import type { Clock } from '../platform.ts'
import type { HistoryLookup, HistoryPolicy, HistoryStore } from './store.ts'

/** Channels whose history is kept at most, when the config does not say. */
export const DEFAULT_HISTORY_CHANNELS = 10_000

export interface MemoryHistoryOptions {
  clock: Clock
  policy: HistoryPolicy
  /** Channels kept at most; default `DEFAULT_HISTORY_CHANNELS`. */
  maxChannels?: number
}

interface Entry {
  item: PublishItem
  at: number
}

/** One channel's ring: `entries[start..]` are retained, oldest first. */
interface Ring {
  entries: Entry[]
  start: number
  size: number
  ttlMs: number
  /**
   * The last lookup's answer: the items after `from` up to `newest`. While both are the same
   * entries the answer is too (entries only leave from the front), so a reconnect storm's
   * subscribers resuming from one point share one array, and what is derived from it (the
   * stream's joined chunk, stream-session.ts).
   */
  last?: { from: Entry; newest: Entry; items: readonly PublishItem[] }
}

/** Counters since start, for the stats endpoint. */
export interface HistoryCounters {
  appended: number
  /** Items dropped for a channel's `size`, its `ttlMs`, or the channel bound. */
  dropped: number
  /** Lookups answered with items (possibly none: the client was up to date). */
  hits: number
  /** Lookups answered `unknown`. */
  misses: number
}

/** The history in process memory. */
export class MemoryHistoryStore implements HistoryStore {
  readonly counters: HistoryCounters = { appended: 0, dropped: 0, hits: 0, misses: 0 }
  readonly #clock: Clock
  readonly #policy: HistoryPolicy
  readonly #maxChannels: number
  /** channel → ring; Map order is least recently appended first (the LRU order). */
  readonly #rings = new Map<string, Ring>()
  #items = 0

  constructor(options: MemoryHistoryOptions) {
    this.#clock = options.clock
    this.#policy = options.policy
    this.#maxChannels = options.maxChannels ?? DEFAULT_HISTORY_CHANNELS
  }

  async append(item: PublishItem): Promise<void> {
    this.appendNow(item)
  }

  /** `append`, synchronously: the hub records items in the order it releases them. */
  appendNow(item: PublishItem): void {
    const bounds = this.#policy(item.channel)
    if (!bounds) return
    const now = this.#clock.now()
    let ring = this.#rings.get(item.channel)
    if (ring) {
      this.#expire(ring, now)
      // Deleted and set again so the channel moves to the end of the LRU order.
      this.#rings.delete(item.channel)
    }
    const kept = ring && this.#length(ring) > 0 ? ring : undefined
    // An id-less item on an empty history follows nothing to resume from; a known id is a
    // duplicate (the sequencer drops those too).
    const skip =
      item.id === undefined ? !kept : kept !== undefined && this.#find(kept, item.id) >= 0
    if (skip) {
      if (kept) this.#rings.set(item.channel, kept)
      return
    }
    ring ??= { entries: [], start: 0, size: bounds.size, ttlMs: bounds.ttlMs }
    ring.entries.push({ item, at: now })
    this.#items += 1
    this.counters.appended += 1
    if (this.#length(ring) > ring.size) this.#drop(ring, this.#length(ring) - ring.size)
    this.#rings.set(item.channel, ring)
    this.#trimChannels(now)
  }

  async itemsAfter(channel: string, id: string): Promise<HistoryLookup> {
    return this.itemsAfterNow(channel, id)
  }

  /** `itemsAfter`, synchronously. */
  itemsAfterNow(channel: string, id: string): HistoryLookup {
    const ring = this.#live(channel)
    const index = ring ? this.#find(ring, id) : -1
    if (!ring || index < 0) {
      this.counters.misses += 1
      return 'unknown'
    }
    this.counters.hits += 1
    const from = ring.entries[index]!
    const newest = ring.entries[ring.entries.length - 1]!
    const last = ring.last
    if (last?.from === from && last.newest === newest) return last.items
    const items = ring.entries.slice(index + 1).map((entry) => entry.item)
    ring.last = { from, newest, items }
    return items
  }

  async lastId(channel: string): Promise<string | undefined> {
    const ring = this.#live(channel)
    return ring?.entries[ring.entries.length - 1]?.item.id
  }

  /** A JSON snapshot for the stats endpoint. */
  snapshot(): Record<string, number> {
    return { channels: this.#rings.size, items: this.#items, ...this.counters }
  }

  /** The channel's ring with expired items dropped; undefined when nothing is left. */
  #live(channel: string): Ring | undefined {
    const ring = this.#rings.get(channel)
    if (!ring) return undefined
    this.#expire(ring, this.#clock.now())
    if (this.#length(ring) > 0) return ring
    this.#rings.delete(channel)
    return undefined
  }

  #length(ring: Ring): number {
    return ring.entries.length - ring.start
  }

  /** Index in `entries` of the retained item with `id`, newest first; -1 when none. */
  #find(ring: Ring, id: string): number {
    for (let i = ring.entries.length - 1; i >= ring.start; i--)
      if (ring.entries[i]?.item.id === id) return i
    return -1
  }

  #expire(ring: Ring, now: number): void {
    let expired = 0
    for (let i = ring.start; i < ring.entries.length; i++) {
      if ((ring.entries[i]?.at ?? 0) + ring.ttlMs > now) break
      expired += 1
    }
    if (expired > 0) this.#drop(ring, expired)
  }

  /** Drops the `count` oldest items; compacts once half the array is dead space. */
  #drop(ring: Ring, count: number): void {
    ring.start += count
    this.#items -= count
    this.counters.dropped += count
    if (ring.start * 2 >= ring.entries.length) {
      ring.entries = ring.entries.slice(ring.start)
      ring.start = 0
    }
    // An id-less item is never a point to resume from: none may lead a ring.
    while (ring.start < ring.entries.length && ring.entries[ring.start]?.item.id === undefined) {
      ring.start += 1
      this.#items -= 1
      this.counters.dropped += 1
    }
  }

  /** Drops channels beyond the bound, and quiet channels whose items all expired. */
  #trimChannels(now: number): void {
    for (const [channel, ring] of this.#rings) {
      if (this.#rings.size > this.#maxChannels) {
        this.#items -= this.#length(ring)
        this.counters.dropped += this.#length(ring)
        this.#rings.delete(channel)
        continue
      }
      this.#expire(ring, now)
      if (this.#length(ring) > 0) break
      this.#rings.delete(channel)
    }
  }
}
