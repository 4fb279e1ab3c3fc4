/**
 * `DurableObjectHistoryStore`: the channel history in a Durable Object's storage (issue #15).
 * Each `ChannelRoom` keeps its channel's items in its own storage, so a history survives the
 * object's eviction and costs nothing while nobody publishes. One key per item, named so a
 * `list` returns a channel's items oldest first; each entry carries the time it stops being
 * kept, so `prune` (the room's alarm) needs no policy to drop what expired.
 *
 * Stateless over the storage: every call reads what it needs (the storage's own cache keeps
 * that cheap), so any instance, or a test running inside the object, sees the same history.
 * @module
 */
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { HistoryLookup, HistoryPolicy, HistoryStore } from '../../../src/history/store.ts'
import type { Clock } from '../../../src/platform.ts'

/** The storage operations the store uses. */
export type HistoryStorage = Pick<DurableObjectStorage, 'list' | 'put' | 'delete'>

interface StoredEntry {
  item: PublishItem
  /** When the item stops being kept (ms since the epoch). */
  until: number
}

/** Every history key starts with this. */
const ROOT = 'history:'
/** `put` and `delete` take at most 128 keys at once. */
const BATCH = 128

/** The key prefix of one channel: its length first, so no channel's prefix is another's. */
const prefixOf = (channel: string) => `${ROOT}${channel.length}:${channel}:`
const keyOf = (channel: string, seq: number) =>
  `${prefixOf(channel)}${String(seq).padStart(12, '0')}`

/** A history in Durable Object storage. */
export class DurableObjectHistoryStore implements HistoryStore {
  readonly #storage: HistoryStorage
  readonly #clock: Pick<Clock, 'now'>
  readonly #policy: HistoryPolicy

  constructor(storage: HistoryStorage, clock: Pick<Clock, 'now'>, policy: HistoryPolicy) {
    this.#storage = storage
    this.#clock = clock
    this.#policy = policy
  }

  async append(item: PublishItem): Promise<void> {
    await this.appendAll([item])
  }

  /**
   * Appends a published batch in order, reading each channel's history once (a room gets one
   * channel's items per publish): what `append` does item by item, in one pass.
   */
  async appendAll(items: readonly PublishItem[]): Promise<void> {
    const byChannel = new Map<string, PublishItem[]>()
    for (const item of items) {
      const list = byChannel.get(item.channel)
      if (list) list.push(item)
      else byChannel.set(item.channel, [item])
    }
    for (const [channel, batch] of byChannel) await this.#appendChannel(channel, batch)
  }

  async #appendChannel(channel: string, items: readonly PublishItem[]): Promise<void> {
    const bounds = this.#policy(channel)
    if (!bounds) return
    const entries = await this.#live(channel)
    const now = this.#clock.now()
    const puts: Record<string, StoredEntry> = {}
    let seq = entries.length === 0 ? 0 : Number(entries[entries.length - 1]![0].slice(-12)) + 1
    for (const item of items) {
      const kept = entries.length > 0
      // An id-less item on an empty history follows nothing to resume from; a kept id is a
      // duplicate (the sequencer drops those too).
      if (item.id === undefined ? !kept : entries.some(([, entry]) => entry.item.id === item.id))
        continue
      const key = keyOf(channel, seq++)
      const entry = { item, until: now + bounds.ttlMs }
      puts[key] = entry
      entries.push([key, entry])
    }
    let drop = Math.max(0, entries.length - bounds.size)
    // An id-less item is never a point to resume from: none may lead the history.
    while (drop < entries.length && entries[drop]?.[1].item.id === undefined) drop += 1
    // Items of this batch that are dropped already are never written.
    const stored = entries.slice(0, drop).filter(([key]) => !(key in puts))
    for (const [key] of entries.slice(0, drop)) delete puts[key]
    const keys = Object.keys(puts)
    for (let i = 0; i < keys.length; i += BATCH)
      await this.#storage.put(
        Object.fromEntries(keys.slice(i, i + BATCH).map((key) => [key, puts[key]]))
      )
    await this.#delete(stored.map(([key]) => key))
  }

  async itemsAfter(channel: string, id: string): Promise<HistoryLookup> {
    const entries = await this.#live(channel)
    for (let i = entries.length - 1; i >= 0; i--)
      if (entries[i]?.[1].item.id === id) return entries.slice(i + 1).map(([, entry]) => entry.item)
    return 'unknown'
  }

  async lastId(channel: string): Promise<string | undefined> {
    const entries = await this.#live(channel)
    return entries[entries.length - 1]?.[1].item.id
  }

  /**
   * Deletes every expired item of every channel here; answers when the next one expires
   * (undefined when nothing is kept), for the room's alarm.
   */
  async prune(): Promise<number | undefined> {
    const now = this.#clock.now()
    const all = await this.#storage.list<StoredEntry>({ prefix: ROOT })
    const expired: string[] = []
    let next: number | undefined
    for (const [key, entry] of all) {
      if (entry.until <= now) expired.push(key)
      else next = next === undefined ? entry.until : Math.min(next, entry.until)
    }
    await this.#delete(expired)
    return next
  }

  /** The channel's entries oldest first, expired ones deleted. */
  async #live(channel: string): Promise<[string, StoredEntry][]> {
    const listed = await this.#storage.list<StoredEntry>({ prefix: prefixOf(channel) })
    const now = this.#clock.now()
    const entries = [...listed]
    let expired = 0
    while (expired < entries.length && (entries[expired]?.[1].until ?? 0) <= now) expired += 1
    // What is left may start with id-less items whose lead expired: they go too.
    while (expired < entries.length && entries[expired]?.[1].item.id === undefined) expired += 1
    await this.#delete(entries.slice(0, expired).map(([key]) => key))
    return entries.slice(expired)
  }

  async #delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += BATCH)
      await this.#storage.delete(keys.slice(i, i + BATCH))
  }
}
