/**
 * The cluster bus on Redis (docs/cluster.md): the log is a stream (`XADD … MAXLEN ~`, every
 * node `XREAD BLOCK`s from the last id it applied, so a node that reconnects resumes where
 * it was), heartbeats are keys with a TTL listed in a set, acks go over pub/sub.
 *
 * Three connections, because a blocked `XREAD` and a subscribed connection can do nothing
 * else. Commands fail at once while Redis is unreachable (`enableOfflineQueue: false`)
 * instead of waiting in a queue: a publish must answer 503, not hang.
 * @module
 */

import { randomUUID } from 'node:crypto'
import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from '../../../src/platform.ts'
import { type BusEntry, type ClusterBus, FIRST_ID, type LogPosition, type NodeBeat } from './bus.ts'
import { LOG_MAX_LENGTH, READ_BATCH } from './memory-broker.ts'
import { withReplyDeadline } from './reply-deadline.ts'

/** How to reach Redis and which keys this cluster owns. */
export interface RedisBusOptions {
  /** `redis://` or `rediss://` URL, password and database included. */
  url: string
  /** Prefix of every key, so several clusters can share one Redis. */
  name: string
  logger: Logger
}

/**
 * A bus command that does not answer in this time fails (Redis stopped, not disconnected),
 * judged after the socket was read (reply-deadline.ts), so a starved process does not fail a
 * command Redis answered in time.
 */
const COMMAND_TIMEOUT_MS = 2000
/**
 * The client's own timeout, a backstop for commands sent outside the bus methods (the channel
 * history's): ioredis's timer fires before a waiting reply is read, so it is set well above the
 * bus's deadline.
 */
const CLIENT_TIMEOUT_MS = 10_000
/** Reconnect delays grow to this. */
const MAX_RECONNECT_DELAY_MS = 1000

/** Lists live beats and forgets ids whose beat expired, atomically. */
const NODES_SCRIPT = `
local live = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local beat = redis.call('GET', ARGV[1] .. id)
  if beat then table.insert(live, beat) else redis.call('SREM', KEYS[1], id) end
end
return live`

type XReadReply = Array<[string, Array<[string, string[]]>]> | null

/** The key of cluster `name`'s log stream. */
export function logKey(name: string): string {
  return `${name}:log`
}

/**
 * The `XADD` arguments that append `data` to a log: one place, so a transaction that writes
 * the channel history with a publish (redis-history-store.ts) appends records the same way.
 */
export function logAppendArgs(
  name: string,
  data: string
): [string, 'MAXLEN', '~', number, '*', 'd', string] {
  return [logKey(name), 'MAXLEN', '~', LOG_MAX_LENGTH, '*', 'd', data]
}

const baseOptions = (): RedisOptions => ({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  retryStrategy: (times) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
})

/** The options of a command connection to a cluster's Redis (tests open their own). */
export function commandOptions(): RedisOptions {
  return { ...baseOptions(), commandTimeout: CLIENT_TIMEOUT_MS }
}

export class RedisBus implements ClusterBus {
  readonly #cmd: Redis
  readonly #reader: Redis
  readonly #sub: Redis
  readonly #keys: {
    log: string
    epoch: string
    nodes: string
    node: (id: string) => string
    acks: string
  }
  readonly #listeners: Array<(node: string, id: string) => void> = []
  readonly #name: string

  constructor(options: RedisBusOptions) {
    const { name } = options
    this.#name = name
    this.#keys = {
      log: logKey(name),
      epoch: `${name}:epoch`,
      nodes: `${name}:nodes`,
      node: (id) => `${name}:node:${id}`,
      acks: `${name}:acks`,
    }
    const base = baseOptions()
    this.#cmd = new Redis(options.url, commandOptions())
    this.#reader = new Redis(options.url, base)
    // A subscriber re-subscribes by itself after a reconnect, so it may queue while offline.
    this.#sub = new Redis(options.url, { ...base, enableOfflineQueue: true })
    let wasUp = false
    this.#cmd.on('ready', () => {
      if (!wasUp) options.logger.info('cluster: Redis connected', {})
      wasUp = true
    })
    this.#cmd.on('close', () => {
      if (wasUp) options.logger.warn('cluster: Redis connection lost; reconnecting', {})
      wasUp = false
    })
    // Without listeners ioredis prints every failed reconnect as an unhandled error.
    for (const client of [this.#cmd, this.#reader, this.#sub]) client.on('error', () => {})
    this.#sub.on('message', (_channel: string, message: string) => {
      const space = message.indexOf(' ')
      if (space <= 0) return
      const node = message.slice(0, space)
      const id = message.slice(space + 1)
      for (const listener of this.#listeners) listener(node, id)
    })
    this.#sub.subscribe(this.#keys.acks).catch(() => {
      // Retried by ioredis's auto-resubscribe once connected.
    })
  }

  /**
   * The command connection (never blocked, never subscribed), for what the cluster keeps in
   * the same Redis beside the bus: the channel history.
   */
  get commands(): Redis {
    return this.#cmd
  }

  /** The cluster name, which prefixes every key. */
  get name(): string {
    return this.#name
  }

  get up(): boolean {
    return this.#cmd.status === 'ready'
  }

  async append(data: string): Promise<string> {
    const id = await this.#timed(this.#cmd.xadd(...logAppendArgs(this.#name, data)), 'XADD')
    if (id === null) throw new Error('XADD returned no id')
    return id
  }

  async read(after: string, blockMs: number): Promise<BusEntry[]> {
    const reply = (await this.#reader.xread(
      'COUNT',
      READ_BATCH,
      'BLOCK',
      blockMs,
      'STREAMS',
      this.#keys.log,
      after
    )) as XReadReply
    const entries: BusEntry[] = []
    for (const [, records] of reply ?? []) {
      for (const [id, fields] of records) {
        const at = fields.indexOf('d')
        entries.push({ id, data: at >= 0 ? (fields[at + 1] ?? '') : '' })
      }
    }
    return entries
  }

  async heartbeat(beat: NodeBeat, ttlMs: number): Promise<LogPosition> {
    // The epoch key is created by the first beat after the log began (or was lost with an
    // emptied Redis): a node that sees it change knows its position means nothing any more.
    const replies = await this.#timed(
      this.#cmd
        .multi()
        .set(this.#keys.node(beat.id), JSON.stringify(beat), 'PX', ttlMs)
        .sadd(this.#keys.nodes, beat.id)
        .set(this.#keys.epoch, randomUUID(), 'NX')
        .get(this.#keys.epoch)
        .xrevrange(this.#keys.log, '+', '-', 'COUNT', 1)
        .exec(),
      'heartbeat'
    )
    if (!replies) throw new Error('the heartbeat transaction was discarded')
    for (const [error] of replies) if (error) throw error
    const last = replies[4]?.[1] as Array<[string, string[]]> | undefined
    return { lastId: last?.[0]?.[0] ?? FIRST_ID, epoch: String(replies[3]?.[1]) }
  }

  async nodes(): Promise<NodeBeat[]> {
    // One script, so forgetting a node whose key expired cannot race its next beat (which
    // sets the key and re-adds the id in one transaction).
    const beats = (await this.#timed(
      this.#cmd.eval(NODES_SCRIPT, 1, this.#keys.nodes, `${this.#keys.node('')}`),
      'nodes'
    )) as string[]
    return beats.map((beat) => JSON.parse(beat) as NodeBeat)
  }

  async leave(node: string): Promise<void> {
    await this.#timed(
      this.#cmd.multi().del(this.#keys.node(node)).srem(this.#keys.nodes, node).exec(),
      'leave'
    )
  }

  async ack(node: string, id: string): Promise<void> {
    await this.#timed(this.#cmd.publish(this.#keys.acks, `${node} ${id}`), 'ack')
  }

  #timed<T>(op: Promise<T>, what: string): Promise<T> {
    return withReplyDeadline(op, COMMAND_TIMEOUT_MS, `Redis did not answer ${what} in time`)
  }

  onAck(listener: (node: string, id: string) => void): void {
    this.#listeners.push(listener)
  }

  async close(): Promise<void> {
    for (const client of [this.#cmd, this.#reader, this.#sub]) client.disconnect()
  }
}
