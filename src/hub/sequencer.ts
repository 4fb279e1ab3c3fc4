/**
 * Per-channel ordering and de-duplication of published items (GRIP.md §9.2), as Pushpin's
 * handler does it:
 * - an item whose `prev-id` differs from the channel's last released id is held back until
 *   the item it follows is released, or `messageWaitMs` passes;
 * - an item whose `(channel, id)` was seen within `idCacheTtlMs` is dropped.
 *
 * Memory is bounded whatever is published (issue #12 item 7). Last ids are an LRU of
 * `maxLastIds` channels, as Pushpin's `PublishLastIds` is (Pushpin keeps 1,000,000), and a
 * channel's last id is also forgotten after `lastIdTtlMs` without a publish. A forgotten
 * channel is a fresh one: its next item is released whatever its prev-id, as Pushpin does
 * for a channel it knows nothing of (GRIP.md §9.2). That costs little: ordering waits matter
 * within seconds, and a subscriber still checks prev-ids itself and recovers a gap. Seen ids
 * expire after `idCacheTtlMs` and are capped at `maxRememberedIds`; held items are per
 * subscribed channel and capped at `maxHeldPerChannel`.
 * @module
 */
import type { Clock } from '../platform.ts'

/** Channels whose last id is kept at most (least recently published forgotten first). */
export const MAX_LAST_IDS = 100_000
/** A channel's last id is forgotten after this long without a publish: 10 minutes. */
export const LAST_ID_TTL_MS = 600_000

/** The fields of an item that sequencing reads. */
export interface Sequenced {
  channel: string
  id?: string
  prevId?: string
  noSeq?: boolean
}

export interface SequencerOptions<T extends Sequenced> {
  clock: Clock
  /** Hands a released item on for delivery. */
  release: (item: T) => void
  /** Whether anyone on this instance subscribes to `channel` (ordering is kept only then). */
  hasSubscribers: (channel: string) => boolean
  messageWaitMs?: number
  idCacheTtlMs?: number
  maxHeldPerChannel?: number
  /** Bound on remembered ids, whatever their age. */
  maxRememberedIds?: number
  /** Channels whose last id is kept (LRU); default `MAX_LAST_IDS`. */
  maxLastIds?: number
  /** How long a quiet channel's last id is kept; default `LAST_ID_TTL_MS`. */
  lastIdTtlMs?: number
}

/** A channel's last released id, and when it was set. */
interface LastId {
  id: string
  at: number
}

interface Held<T> {
  item: T
  cancel: () => void
}

/** What became of a pushed item. */
export type SequenceOutcome = 'released' | 'held' | 'duplicate' | 'dropped'

/** Orders items per channel before delivery. */
export class Sequencer<T extends Sequenced> {
  readonly #options: Required<Omit<SequencerOptions<T>, 'clock' | 'release' | 'hasSubscribers'>> &
    SequencerOptions<T>
  /** channel → last id; Map order is least recently set first (the LRU order). */
  readonly #lastId = new Map<string, LastId>()
  /** channel → prev-id → the item waiting for it. */
  readonly #held = new Map<string, Map<string, Held<T>>>()
  /** `channel\nid` → when it stops counting as a duplicate (insertion order = age order). */
  readonly #seen = new Map<string, number>()

  constructor(options: SequencerOptions<T>) {
    this.#options = {
      messageWaitMs: 5_000,
      idCacheTtlMs: 60_000,
      maxHeldPerChannel: 100,
      maxRememberedIds: 100_000,
      maxLastIds: MAX_LAST_IDS,
      lastIdTtlMs: LAST_ID_TTL_MS,
      ...options,
    }
  }

  /** The id of the last item released on `channel`, if known. */
  lastId(channel: string): string | undefined {
    const last = this.#lastId.get(channel)
    if (!last) return undefined
    if (last.at + this.#options.lastIdTtlMs > this.#options.clock.now()) return last.id
    this.#lastId.delete(channel)
    return undefined
  }

  /**
   * Takes `id` as the channel's last id when none is known here: an instance that joins a
   * channel late (a Durable Object holder) learns it from whoever saw the earlier publishes.
   */
  seedLastId(channel: string, id: string): void {
    if (this.lastId(channel) === undefined) this.#setLastId(channel, id)
  }

  /** Forgets the channel's last id (a subscriber detected a gap and is recovering). */
  forgetLastId(channel: string): void {
    this.#lastId.delete(channel)
  }

  /** Takes one published item. */
  push(item: T): SequenceOutcome {
    this.#trimLastIds()
    if (item.id !== undefined && this.#isDuplicate(item.channel, item.id)) return 'duplicate'
    if (item.noSeq || !this.#options.hasSubscribers(item.channel)) {
      this.#emit(item)
      return 'released'
    }
    const last = this.lastId(item.channel)
    if (last !== undefined && item.prevId !== undefined && item.prevId !== last) {
      return this.#hold(item, item.prevId) ? 'held' : 'dropped'
    }
    this.#emit(item)
    return 'released'
  }

  /** Channels whose last id is kept (for tests and stats). */
  get lastIdCount(): number {
    return this.#lastId.size
  }

  /** `(channel, id)` pairs remembered for de-duplication (for tests and stats). */
  get rememberedIdCount(): number {
    return this.#seen.size
  }

  /** Number of items waiting, over all channels. */
  get heldCount(): number {
    let count = 0
    for (const channel of this.#held.values()) count += channel.size
    return count
  }

  #emit(item: T): void {
    if (item.id === undefined) this.#lastId.delete(item.channel)
    else this.#setLastId(item.channel, item.id)
    this.#options.release(item)
    // The item may be the one another was waiting for: release the chain.
    if (item.id === undefined) return
    const waiting = this.#held.get(item.channel)?.get(item.id)
    if (!waiting) return
    this.#unhold(item.channel, item.id)
    this.#emit(waiting.item)
  }

  #setLastId(channel: string, id: string): void {
    // Deleted first, so the channel moves to the end of the LRU order.
    this.#lastId.delete(channel)
    this.#lastId.set(channel, { id, at: this.#options.clock.now() })
    this.#trimLastIds()
  }

  /** Drops expired last ids and the least recently set beyond the bound (oldest first). */
  #trimLastIds(): void {
    const expired = this.#options.clock.now() - this.#options.lastIdTtlMs
    for (const [channel, last] of this.#lastId) {
      if (last.at > expired && this.#lastId.size <= this.#options.maxLastIds) break
      this.#lastId.delete(channel)
    }
  }

  #hold(item: T, prevId: string): boolean {
    let channel = this.#held.get(item.channel)
    if (!channel) {
      channel = new Map()
      this.#held.set(item.channel, channel)
    }
    // Pushpin keeps one waiting item per distinct prev-id, and a bounded number per channel.
    if (channel.has(prevId) || channel.size >= this.#options.maxHeldPerChannel) return false
    const cancel = this.#options.clock.schedule(this.#options.messageWaitMs, () => {
      if (this.#held.get(item.channel)?.get(prevId)?.item !== item) return
      this.#unhold(item.channel, prevId)
      this.#emit(item)
    })
    channel.set(prevId, { item, cancel })
    return true
  }

  #unhold(channel: string, prevId: string): void {
    const waiting = this.#held.get(channel)
    const held = waiting?.get(prevId)
    if (!waiting || !held) return
    held.cancel()
    waiting.delete(prevId)
    if (waiting.size === 0) this.#held.delete(channel)
  }

  #isDuplicate(channel: string, id: string): boolean {
    const now = this.#options.clock.now()
    for (const [key, until] of this.#seen) {
      if (until > now && this.#seen.size <= this.#options.maxRememberedIds) break
      this.#seen.delete(key)
    }
    const key = `${channel}\n${id}`
    const until = this.#seen.get(key)
    if (until !== undefined && until > now) return true
    this.#seen.set(key, now + this.#options.idCacheTtlMs)
    return false
  }
}
