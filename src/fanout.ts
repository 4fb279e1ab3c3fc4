/**
 * The `FanoutTier` seam (ARCHITECTURE.md, "Seams"): whatever holds client connections and
 * delivers publishes. On Node it is the hub in this process (`EmbeddedFanout`); on
 * Cloudflare, Durable Objects running the same hub. The gateway decides *what* to hold (it
 * parses the origin's instruction); the tier decides *where*.
 * @module
 */
import type { Context } from 'hono'
import type { PublishItem } from './grip/publish-item.ts'
import type { Instruct } from './grip/types.ts'
import type { OriginAgain } from './hub/hold-context.ts'
import type { PublishReport } from './hub/hub.ts'
import type { SendToOrigin } from './proxy/grip-proxy.ts'

/** Holds connections and delivers publishes. */
export interface FanoutTier {
  /** Channels one connection may hold (the instruction parser keeps no more). */
  readonly maxChannels: number
  /**
   * Holds `client` as `instruct` says (a stream, a long-poll, or paging through next links);
   * the tier owns the connection from then on. `origin` reaches the origin again (retries,
   * next links) and `replayBody` is the client's buffered body.
   */
  hold(client: Request, instruct: Instruct, origin: OriginAgain): Promise<Response>
  /** Serves a client WebSocket upgrade (WebSocket-over-HTTP to the origin via `send`). */
  webSocket(c: Context, send: SendToOrigin): Promise<Response>
  /** Delivers a batch of items, in order per channel. */
  publish(items: readonly PublishItem[]): Promise<PublishReport>
  /** Counters for the stats endpoint. */
  stats(): Promise<Record<string, unknown>>
  /** Ends every held connection cleanly (process shutdown). */
  shutdown(): void
}
