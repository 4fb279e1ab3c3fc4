/**
 * `RedisHistoryStore`: the channel history of a cluster over Redis (docs/history.md), one
 * stream per channel (`<cluster name>:history:<channel>`, `XADD … MAXLEN ~ size`), shared by
 * every node. Each published item is appended once, by the node that takes the publish, in
 * the same `MULTI` as the publish record it appends to the cluster log (`publish`): every
 * channel's history is then in log order, and never holds an item the log does not (nor the
 * other way round). The bounds and the store rules are in redis-history-scripts.ts.
 *
 * Lookups run a script that answers only the items after the id; identical lookups in flight
 * share one call, so a reconnect storm costs Redis one call per channel and id, not one per
 * subscriber.
 * @module
 */
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { HistoryLookup, HistoryPolicy, HistoryStore } from '../../../src/history/store.ts'
import type { Clock, Logger } from '../../../src/platform.ts'
import { decodeItem, encodeItem, encodeRecord } from './record-codec.ts'
import { logAppendArgs } from './redis-bus.ts'
import { APPEND_SCRIPT, LOOKUP_SCRIPT } from './redis-history-scripts.ts'

/**
 * How long a stream outlives its TTL, on Redis's clock: the gateways' clocks (which decide
 * what is expired) may run behind it. Only memory is at stake: lookups filter by age.
 */
export const HISTORY_EXPIRY_SLACK_MS = 60_000

export interface RedisHistoryOptions {
  /** A command connection (not one blocked in `XREAD` nor subscribed). */
  redis: Redis
  /** The cluster name: it prefixes every key. */
  name: string
  policy: HistoryPolicy
  clock: Clock
  logger: Logger
}

/** This node's counters, for the stats endpoint. */
export interface RedisHistoryCounters {
  /** Items this node appended (others appended theirs). */
  appended: number
  /** Lookups answered with items (possibly none). */
  hits: number
  /** Lookups answered `unknown` (a failed lookup included). */
  misses: number
}

const LOOKUP_SHA = createHash('sha1').update(LOOKUP_SCRIPT).digest('hex')

/** The channel history every node of a cluster shares, in Redis Streams. */
export class RedisHistoryStore implements HistoryStore {
  readonly counters: RedisHistoryCounters = { appended: 0, hits: 0, misses: 0 }
  readonly #options: RedisHistoryOptions
  /** `channel \0 id` → the lookup in flight. */
  readonly #inFlight = new Map<string, Promise<HistoryLookup>>()

  constructor(options: RedisHistoryOptions) {
    this.#options = options
  }

  /** The stream of `channel`. */
  key(channel: string): string {
    return `${this.#options.name}:history:${channel}`
  }

  async append(item: PublishItem): Promise<void> {
    const script = this.#appendArgs([item])
    if (!script) return
    const appended = await this.#options.redis.eval(APPEND_SCRIPT, ...script)
    this.counters.appended += Number(appended)
  }

  /**
   * Appends `items` to their channels' histories and their publish record to the log, in one
   * transaction; resolves with the record's log id. Rejects when the record is not stored; a
   * history write that failed alone (a script error) is logged, the publish still goes out.
   */
  async publish(items: readonly PublishItem[]): Promise<string> {
    const { redis, name, logger } = this.#options
    const tx = redis.multi()
    const script = this.#appendArgs(items)
    if (script) tx.eval(APPEND_SCRIPT, ...script)
    tx.xadd(...logAppendArgs(name, encodeRecord({ kind: 'publish', items: [...items] })))
    const replies = await tx.exec()
    if (!replies) throw new Error('the publish transaction was discarded')
    const [logError, id] = replies[replies.length - 1] ?? []
    if (logError) throw logError
    if (typeof id !== 'string') throw new Error('XADD returned no id')
    if (script) {
      const [historyError, appended] = replies[0] ?? []
      if (historyError) logger.warn('history append failed', { error: String(historyError) })
      else this.counters.appended += Number(appended)
    }
    return id
  }

  itemsAfter(channel: string, id: string): Promise<HistoryLookup> {
    const key = `${channel}\0${id}`
    let lookup = this.#inFlight.get(key)
    if (!lookup) {
      lookup = this.#lookup(channel, id).finally(() => this.#inFlight.delete(key))
      this.#inFlight.set(key, lookup)
    }
    return lookup
  }

  async lastId(channel: string): Promise<string | undefined> {
    const bounds = this.#options.policy(channel)
    if (!bounds) return undefined
    const [entry] = await this.#options.redis.xrevrange(this.key(channel), '+', '-', 'COUNT', 1)
    const fields = entry?.[1]
    if (!fields || Number(fields[1]) + bounds.ttlMs <= this.#options.clock.now()) return undefined
    return fields[2] === 'i' ? fields[3] : undefined
  }

  /** This node's counters, for the stats endpoint. */
  snapshot(): Record<string, number> {
    return { ...this.counters }
  }

  async #lookup(channel: string, id: string): Promise<HistoryLookup> {
    const bounds = this.#options.policy(channel)
    const args = [this.key(channel), this.#options.clock.now(), bounds?.size, bounds?.ttlMs, id]
    const found = bounds ? await this.#evalLookup(args as (string | number)[]) : null
    if (!Array.isArray(found)) {
      this.counters.misses += 1
      return 'unknown'
    }
    const items: PublishItem[] = []
    // The script answers newest first.
    for (let i = found.length - 1; i >= 0; i--) {
      const item = decodeItem(String(found[i]))
      if (item) items.push(item)
    }
    this.counters.hits += 1
    return items
  }

  /** The lookup script by its hash, loaded once more when Redis lost it (a restart). */
  async #evalLookup(args: (string | number)[]): Promise<unknown> {
    const { redis } = this.#options
    try {
      return await redis.evalsha(LOOKUP_SHA, 1, ...args)
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error
      return redis.eval(LOOKUP_SCRIPT, 1, ...args)
    }
  }

  /** The append script's key count, keys and arguments; undefined when nothing is kept. */
  #appendArgs(items: readonly PublishItem[]): [number, ...(string | number)[]] | undefined {
    const { policy, clock } = this.#options
    const keys: string[] = []
    const args: (string | number)[] = [clock.now(), HISTORY_EXPIRY_SLACK_MS]
    for (const item of items) {
      const bounds = policy(item.channel)
      if (!bounds) continue
      keys.push(this.key(item.channel))
      const hasId = item.id !== undefined
      args.push(bounds.size, bounds.ttlMs, hasId ? 1 : 0, item.id ?? '', encodeItem(item))
    }
    return keys.length > 0 ? [keys.length, ...keys, ...args] : undefined
  }
}
