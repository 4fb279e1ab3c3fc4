/**
 * The `FanoutTier` seam (ARCHITECTURE.md, "Seams"): whatever holds client connections and
 * delivers publishes. On Node it is the hub in this process (`EmbeddedFanout`); on
 * Cloudflare, Durable Objects running the same hub. The gateway decides *what* to hold (it
 * parses the origin's instruction); the tier decides *where*. The types both sides of the
 * seam speak live here, not in one of its implementations.
 * @module
 */
import type { Context } from 'hono'
import type { PublishItem } from './grip/publish-item.ts'
import type { Instruct } from './grip/types.ts'

/** Grip-Last values by channel: the id the session last saw (GRIP.md §2.1 step 5). */
export type LastIds = Record<string, string>

/** Sends a request to its route's origin: through the cache, or `direct` around it. */
export type SendToOrigin = (
  request: Request,
  options: { lastIds?: LastIds; direct: boolean }
) => Promise<Response>

/** The origin, as a held session reaches it again. */
export interface OriginAgain {
  /**
   * Replays the client's original request to the origin (never from the cache) with
   * `Grip-Last` lines, and handles the answer as a fresh one: it may hold again (§4.3).
   */
  replay(lastIds: LastIds): Promise<Response>
  /**
   * GETs a next link from the origin with `Grip-Last` lines and no client headers (§6.2);
   * the raw origin response, not interpreted.
   */
  fetchLink(url: URL, lastIds: LastIds): Promise<Response>
}

/** What one publish call did. */
export interface PublishReport {
  items: number
  released: number
  held: number
  duplicates: number
}

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
