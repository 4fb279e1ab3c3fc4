/**
 * Per-channel ordering and de-duplication of published items (GRIP.md §9.2), as Pushpin's
 * handler does it:
 * - an item whose `prev-id` differs from the channel's last released id is held back until
 *   the item it follows is released, or `messageWaitMs` passes;
 * - an item whose `(channel, id)` was seen within `idCacheTtlMs` is dropped.
 * @module
 */
import type { Clock } from '../platform.ts'

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
  readonly #lastId = new Map<string, string>()
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
      ...options,
    }
  }

  /** The id of the last item released on `channel`, if known. */
  lastId(channel: string): string | undefined {
    return this.#lastId.get(channel)
  }

  /**
   * Takes `id` as the channel's last id when none is known here: an instance that joins a
   * channel late (a Durable Object holder) learns it from whoever saw the earlier publishes.
   */
  seedLastId(channel: string, id: string): void {
    if (!this.#lastId.has(channel)) this.#lastId.set(channel, id)
  }

  /** Forgets the channel's last id (a subscriber detected a gap and is recovering). */
  forgetLastId(channel: string): void {
    this.#lastId.delete(channel)
  }

  /** Takes one published item. */
  push(item: T): SequenceOutcome {
    if (item.id !== undefined && this.#isDuplicate(item.channel, item.id)) return 'duplicate'
    if (item.noSeq || !this.#options.hasSubscribers(item.channel)) {
      this.#emit(item)
      return 'released'
    }
    const last = this.#lastId.get(item.channel)
    if (last !== undefined && item.prevId !== undefined && item.prevId !== last) {
      return this.#hold(item, item.prevId) ? 'held' : 'dropped'
    }
    this.#emit(item)
    return 'released'
  }

  /** Number of items waiting, over all channels. */
  get heldCount(): number {
    let count = 0
    for (const channel of this.#held.values()) count += channel.size
    return count
  }

  #emit(item: T): void {
    if (item.id === undefined) this.#lastId.delete(item.channel)
    else this.#lastId.set(item.channel, item.id)
    this.#options.release(item)
    // The item may be the one another was waiting for: release the chain.
    if (item.id === undefined) return
    const waiting = this.#held.get(item.channel)?.get(item.id)
    if (!waiting) return
    this.#unhold(item.channel, item.id)
    this.#emit(waiting.item)
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
