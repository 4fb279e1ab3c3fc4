/**
 * The hub: Pushpin's handler role in-process. It keeps the channel → subscriber registry,
 * orders published items per channel (sequencer.ts) and hands each released item to every
 * subscriber of its channel, which takes the format it understands.
 * @module
 */
import type { LimitsConfig } from '../config/types.ts'
import type { CountedReport } from '../fanout.ts'
import type { PublishItem } from '../grip/publish-item.ts'
import type { HistoryLookup } from '../history/store.ts'
import type { Clock, Logger } from '../platform.ts'
import { Sequencer } from './sequencer.ts'
import type { Subscriber, Transport } from './subscriber.ts'

/** Counters since start. */
export interface HubCounters {
  publishes: number
  items: number
  deliveries: number
  drops: number
  /** Subscribers resumed from the channel history instead of the origin (issue #15). */
  resumes: number
  /** Items delivered from the channel history. */
  resumedItems: number
}

/**
 * The channel history as the hub sees it (src/history/). On Node the hub records every item
 * it releases; a Cloudflare holder leaves `record` out, as the channel's room records, and so
 * does a node of a cluster over Redis, as the publishing node writes the shared history.
 */
export interface HubHistory {
  /** Told of every released item, in release order, before it is delivered. */
  record?(item: PublishItem): void
  /** The items after `id` on `channel` (see `HistoryStore.itemsAfter`). */
  itemsAfter(channel: string, id: string): Promise<HistoryLookup>
  /** Counters for the stats endpoint, if the history keeps any here. */
  snapshot?(): Record<string, number>
}

/** A held session that can be ended on shutdown. */
export interface Shutdownable {
  shutdown(): void
}

/**
 * Hears when this hub starts and stops needing a channel: its first subscriber arrives, its
 * last one leaves. A hub that is one of many (a Durable Object holder) tells the channel's
 * owner from here, so publishes reach it only while it has someone to deliver to.
 */
export interface ChannelListener {
  opened(channel: string): void
  closed(channel: string): void
}

export interface HubDeps {
  clock: Clock
  logger: Logger
  limits: LimitsConfig
  /** Optional: told when a channel gains its first or loses its last subscriber. */
  channels?: ChannelListener
  /** Optional: the channel history subscribers resume from. */
  history?: HubHistory
}

/** Channel registry and delivery. */
export class Hub {
  readonly counters: HubCounters = {
    publishes: 0,
    items: 0,
    deliveries: 0,
    drops: 0,
    resumes: 0,
    resumedItems: 0,
  }
  readonly connections: Record<Transport, number> = { stream: 0, response: 0, websocket: 0 }
  readonly limits: LimitsConfig
  readonly clock: Clock
  readonly logger: Logger
  readonly #channels = new Map<string, Set<Subscriber>>()
  /** Every held session, so a shutdown can end them cleanly. */
  readonly #sessions = new Set<Shutdownable>()
  readonly #sequencer: Sequencer<PublishItem>
  readonly #listener: ChannelListener | undefined
  readonly #history: HubHistory | undefined
  #subscriptions = 0

  constructor(deps: HubDeps) {
    this.limits = deps.limits
    this.clock = deps.clock
    this.logger = deps.logger
    this.#listener = deps.channels
    this.#history = deps.history
    this.#sequencer = new Sequencer<PublishItem>({
      clock: deps.clock,
      release: (item) => this.#deliver(item),
      hasSubscribers: (channel) => this.#channels.has(channel),
    })
  }

  /** Registers a new held connection; false when `maxConnections` is reached. */
  openConnection(transport: Transport): boolean {
    const open = this.connections.stream + this.connections.response + this.connections.websocket
    if (open >= this.limits.maxConnections) return false
    this.connections[transport] += 1
    return true
  }

  /**
   * Counts a connection that already exists, whatever the limit: a session rebuilt after
   * its host slept (a hibernated Durable Object) was admitted when it opened.
   */
  restoreConnection(transport: Transport): void {
    this.connections[transport] += 1
  }

  /** Unregisters a held connection. */
  closeConnection(transport: Transport): void {
    this.connections[transport] = Math.max(0, this.connections[transport] - 1)
  }

  /** Registers a held session for `shutdown`. */
  track(session: Shutdownable): void {
    this.#sessions.add(session)
  }

  untrack(session: Shutdownable): void {
    this.#sessions.delete(session)
  }

  /**
   * Ends every held session the way a restarting Pushpin would want clients to see it:
   * streams end cleanly, long-polls get their timeout response, sockets close with 1001,
   * so clients reconnect instead of waiting on a dead connection.
   */
  shutdown(): void {
    for (const session of [...this.#sessions]) session.shutdown()
  }

  subscribe(channel: string, subscriber: Subscriber): void {
    let set = this.#channels.get(channel)
    const opened = !set
    if (!set) {
      set = new Set()
      this.#channels.set(channel, set)
    }
    if (!set.has(subscriber)) {
      set.add(subscriber)
      this.#subscriptions += 1
    }
    if (opened) this.#listener?.opened(channel)
  }

  unsubscribe(channel: string, subscriber: Subscriber): void {
    const set = this.#channels.get(channel)
    if (!set?.delete(subscriber)) return
    this.#subscriptions -= 1
    if (set.size > 0) return
    this.#channels.delete(channel)
    this.#listener?.closed(channel)
  }

  /** Whether anyone here subscribes to `channel`. */
  hasChannel(channel: string): boolean {
    return this.#channels.has(channel)
  }

  /** Publishes a batch in order; items are delivered as the sequencer releases them. */
  publish(items: readonly PublishItem[]): CountedReport {
    const report: CountedReport = { items: items.length, released: 0, held: 0, duplicates: 0 }
    this.counters.publishes += 1
    this.counters.items += items.length
    for (const item of items) {
      const outcome = this.#sequencer.push(item)
      if (outcome === 'released') report.released += 1
      else if (outcome === 'held') report.held += 1
      else if (outcome === 'duplicate') report.duplicates += 1
    }
    return report
  }

  /** The id of the last item released on `channel`, if known (GRIP.md §9.2). */
  lastId(channel: string): string | undefined {
    return this.#sequencer.lastId(channel)
  }

  /** Takes `id` as the channel's last id unless one is known here (see `Sequencer`). */
  seedLastId(channel: string, id: string): void {
    this.#sequencer.seedLastId(channel, id)
  }

  /** Forgets a channel's last id, as Pushpin does when a subscriber recovers a gap. */
  forgetLastId(channel: string): void {
    this.#sequencer.forgetLastId(channel)
  }

  /** Whether a channel history is configured (subscribers may resume from it). */
  get hasHistory(): boolean {
    return this.#history !== undefined
  }

  /**
   * The items after `id` on `channel` from the history; `unknown` without a history or when
   * the id is not in it. Never rejects: a failed lookup is `unknown` (the caller falls back).
   */
  async historyAfter(channel: string, id: string): Promise<HistoryLookup> {
    if (!this.#history) return 'unknown'
    try {
      return await this.#history.itemsAfter(channel, id)
    } catch (error) {
      this.logger.warn('history lookup failed', { channel, error: String(error) })
      return 'unknown'
    }
  }

  /** Counts a subscriber resumed from history with `items` items. */
  countResume(items: number): void {
    this.counters.resumes += 1
    this.counters.resumedItems += items
  }

  /** Counts a subscriber dropped for falling behind. */
  countDrop(): void {
    this.counters.drops += 1
  }

  /** A JSON snapshot for the stats endpoint. */
  snapshot(): Record<string, unknown> {
    return {
      connections: { ...this.connections },
      channels: this.#channels.size,
      subscriptions: this.#subscriptions,
      ...this.counters,
      heldItems: this.#sequencer.heldCount,
      ...(this.#history?.snapshot ? { history: this.#history.snapshot() } : {}),
    }
  }

  #deliver(item: PublishItem): void {
    // Recorded before delivery, whoever listens: a subscriber that resumes later finds it.
    this.#history?.record?.(item)
    const subscribers = this.#channels.get(item.channel)
    if (!subscribers) return
    // Deleting the current element while iterating a Set is safe; no copy per publish.
    for (const subscriber of subscribers) {
      this.counters.deliveries += 1
      try {
        subscriber.deliver(item, item.channel)
      } catch (error) {
        this.logger.error('delivery failed', { channel: item.channel, error: String(error) })
      }
    }
  }
}
