/**
 * The fanout tier as the Worker sees it: `hold` and `webSocket` hand the connection to a
 * `ConnectionHolder` shard, `publish` sends each channel's items to its `ChannelRoom`, which
 * passes them on to the holders that subscribe. Publish path: Worker → channel objects →
 * holders → sockets; every hop carries the items decoded once, by the Worker.
 * @module
 */
import type { Context } from 'hono'
import type { GatewayConfig } from '../../../src/config/types.ts'
import { GatewayError } from '../../../src/errors.ts'
import type { CountedReport, FanoutTier, LastIds } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { PlatformExtras } from '../platform.ts'
import { type FanoutEnv, holderName, shardCount } from './env.ts'
import { encodeHold, HOLD_PATH, type HoldPayload, hasBody, toWire } from './wire.ts'

/** Choices a deployment or a test may make. */
export interface DurableObjectFanoutOptions {
  /** Holder shards (default `GRIPGATE_HOLDER_SHARDS`, else 16). */
  shards?: number
  /** Picks a shard in `0..shards-1` for a new connection (default: at random). */
  pickShard?: (shards: number) => number
}

const COUNTERS = [
  'channels',
  'subscriptions',
  'publishes',
  'items',
  'deliveries',
  'drops',
  'resumes',
  'resumedItems',
  'heldItems',
]

/** Builds the tier for `createGateway` (Platform.fanout). */
export function createDurableObjectFanout(
  env: FanoutEnv,
  config: GatewayConfig,
  options: DurableObjectFanoutOptions = {}
): FanoutTier {
  const shards = options.shards ?? shardCount(env)
  const pick = options.pickShard ?? ((n: number) => Math.floor(Math.random() * n))
  const holder = (n: number) => env.HOLDERS.get(env.HOLDERS.idFromName(holderName(n)))
  return {
    maxChannels: config.limits.subscriptionsPerConnection,

    hold(client, instruct, origin): Promise<Response> {
      const stub = holder(pick(shards))
      const payload: HoldPayload = { request: toWire(client), instruct }
      if (instruct.hold !== 'response') {
        // Streams by fetch, so a client that leaves cancels the session (wire.ts).
        return stub.fetch(`https://holder${HOLD_PATH}`, {
          method: 'POST',
          body: encodeHold(payload),
        })
      }
      // The GRIP proxy has read the client's body; only its own replay can send it again.
      const replay = hasBody(client)
        ? (lastIds: LastIds) => origin.replay(lastIds, client.signal)
        : undefined
      return stub.hold(payload, replay)
    },

    webSocket(c: Context) {
      // The holder talks WebSocket-over-HTTP to the origin itself; `send` is not needed.
      return holder(pick(shards)).fetch(c.req.raw)
    },

    async publish(items) {
      const byChannel = new Map<string, PublishItem[]>()
      for (const item of items) {
        const list = byChannel.get(item.channel)
        if (list) list.push(item)
        else byChannel.set(item.channel, [item])
      }
      const rooms = [...byChannel].map(([channel, batch]) =>
        env.CHANNELS.get(env.CHANNELS.idFromName(channel)).publish(batch)
      )
      const settled = await Promise.allSettled(rooms)
      const failed = settled.filter((result) => result.status === 'rejected')
      if (failed.length > 0) {
        throw new GatewayError(
          'PUBLISH_FAILED',
          502,
          `${failed.length} channel(s) did not take the publish`,
          {
            cause: failed[0]?.reason,
          }
        )
      }
      const total: CountedReport = { items: 0, released: 0, held: 0, duplicates: 0 }
      for (const result of settled) {
        if (result.status !== 'fulfilled') continue
        total.items += result.value.items
        total.released += result.value.released
        total.held += result.value.held
        total.duplicates += result.value.duplicates
      }
      return total
    },

    /** Sums every shard's counters (`channels` counts a channel once per holder that has it). */
    async stats() {
      // The hub's snapshot is JSON; RPC's typing cannot follow `Record<string, unknown>`.
      const parts = (await Promise.all(
        Array.from({ length: shards }, (_, n) => holder(n).stats())
      )) as Record<string, unknown>[]
      const sum: Record<string, number> = Object.fromEntries(COUNTERS.map((key) => [key, 0]))
      const connections = { stream: 0, response: 0, websocket: 0 }
      for (const part of parts) {
        for (const key of COUNTERS) sum[key]! += Number(part[key] ?? 0)
        const held = part.connections as Partial<typeof connections> | undefined
        for (const key of Object.keys(connections) as (keyof typeof connections)[])
          connections[key] += held?.[key] ?? 0
      }
      return { connections, ...sum, holders: shards }
    },

    // Holders end their connections themselves when the runtime replaces them.
    shutdown() {},
  }
}

/**
 * The platform extras that put this tier under the Worker (edge/cloudflare/worker.ts):
 * `createWorker({ extras: (env) => durableObjectExtras(env) })`. Sockets need no acceptor in
 * the Worker: holders accept them.
 */
export function durableObjectExtras(
  env: FanoutEnv,
  options: DurableObjectFanoutOptions = {}
): PlatformExtras {
  return { fanout: (config) => createDurableObjectFanout(env, config, options) }
}
