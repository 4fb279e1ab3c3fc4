/**
 * The `HistoryStore` seam (issue #15): a short history of published items per channel, so a
 * subscriber that reconnects with the id of the last item it saw (a `prev-id` in its
 * instruction, an SSE `Last-Event-ID`, a WebSocket subscribe with `prev-id`) is resumed by
 * the gateway instead of by the origin. One store per fanout tier: in process on Node
 * (`MemoryHistoryStore`), Redis Streams on a Node cluster over Redis
 * (`edge/node/cluster/redis-history-store.ts`), the channel's Durable Object storage on
 * Cloudflare.
 *
 * Each store keeps, per channel, the items in the order they were released, bounded by the
 * channel's `HistoryBounds` (count and age). Items are kept whole, every format included, so
 * a long-poll, a stream and a WebSocket resume from the same history.
 * @module
 */
import type { PublishItem } from '../grip/publish-item.ts'

/** What a history has after an id: the items in order, or `unknown` (too old, never seen). */
export type HistoryLookup = readonly PublishItem[] | 'unknown'

/** How much of one channel is kept; `size` 0 keeps nothing. */
export interface HistoryBounds {
  /** Items kept, newest first; older ones are dropped. */
  size: number
  /** How long an item is kept after it was appended, in milliseconds. */
  ttlMs: number
}

/** The bounds of a channel, or undefined when its history is off. */
export type HistoryPolicy = (channel: string) => HistoryBounds | undefined

/** A per-channel history of released items. */
export interface HistoryStore {
  /**
   * Appends a released item to its channel's history. Items without an `id` are kept only
   * after an item that has one (they follow a point a client can resume from, so a resume
   * must include them); an `id` already retained is ignored, as the sequencer drops it.
   */
  append(item: PublishItem): Promise<void>
  /**
   * The items after `id` on `channel`, oldest first: `[]` when `id` is the newest retained
   * item, `unknown` when `id` is not retained (expired, pushed out, or never published).
   */
  itemsAfter(channel: string, id: string): Promise<HistoryLookup>
  /** The id of the newest retained item of `channel`, if it has one. */
  lastId(channel: string): Promise<string | undefined>
}
