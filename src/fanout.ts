/**
 * The `FanoutTier` seam (ARCHITECTURE.md, "Seams"): whatever holds client connections and
 * delivers publishes. On Node it is the hub in this process (`EmbeddedFanout`); on
 * Cloudflare, Durable Objects running the same hub; on Fastly, Fastly Fanout, which takes
 * realtime requests before the origin is asked (`front`). The gateway decides *what* to hold
 * (it parses the origin's instruction); the tier decides *where*. The types both sides of
 * the seam speak live here, not in one of its implementations.
 * @module
 */
import type { Context } from 'hono'
import type { GripSigState } from './grip/fanout-sig.ts'
import type { JsonObject } from './grip/json-fields.ts'
import type { PublishItem } from './grip/publish-item.ts'
import type { Instruct } from './grip/types.ts'

/** Grip-Last values by channel: the id the session last saw (GRIP.md §2.1 step 5). */
export type LastIds = Record<string, string>

/** Sends a request to its route's origin: through the cache, or `direct` around it. */
export type SendToOrigin = (
  request: Request,
  options: { lastIds?: LastIds; direct: boolean }
) => Promise<Response>

/**
 * The origin, as a held session reaches it again. `signal` aborts the origin request: the
 * session passes its client's (or its own, aborted when it closes), so nothing here keeps
 * the client's Request for a held connection's lifetime (issue #18).
 */
export interface OriginAgain {
  /**
   * Replays the client's original request to the origin (never from the cache) with
   * `Grip-Last` lines, and handles the answer as a fresh one: it may hold again (§4.3).
   */
  replay(lastIds: LastIds, signal?: AbortSignal): Promise<Response>
  /**
   * GETs a next link from the origin with `Grip-Last` lines and no client headers (§6.2);
   * the raw origin response, not interpreted.
   */
  fetchLink(url: URL, lastIds: LastIds, signal?: AbortSignal): Promise<Response>
}

/**
 * What one publish call did. A count is `null` where the tier cannot know it (Fastly Fanout's
 * publish API does not say how many connections an item reached).
 */
export interface PublishReport {
  items: number
  /** Items delivered now (in order on their channel). */
  released: number | null
  /** Items held back until the item their `prev-id` names arrives (GRIP.md §9). */
  held: number | null
  /** Items dropped as already seen (same id on the channel). */
  duplicates: number | null
}

/** A report from a tier that counts every outcome (the hub). */
export type CountedReport = { [K in keyof PublishReport]: number }

/**
 * A tier that holds connections itself, in front of the origin (Fastly Fanout): realtime
 * requests are handed to it as the client sent them, and it calls the gateway back with a
 * signed request that then takes the pull path, its GRIP headers passed through both ways
 * (GRIP.md §12). The gateway then never holds on the pull path (`hold` refuses), and does not
 * announce GRIP features to the origin for requests that were not handed off.
 */
export interface TierFront {
  /** Checks the request's `Grip-Sig` as the tier signs its callbacks. */
  callback(headers: Headers): Promise<GripSigState>
  /** Hands the request, exactly as the client sent it, to the tier. */
  handOff(request: Request): Response
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
  /**
   * Delivers a batch of items, in order per channel. `raw` is each item's publish JSON
   * (index-aligned, gripgate's own fields included), for tiers that pass the document on
   * (a publish API, a bus between nodes); the gateway always gives it.
   */
  publish(items: readonly PublishItem[], raw?: readonly JsonObject[]): Promise<PublishReport>
  /** Counters for the stats endpoint. */
  stats(): Promise<Record<string, unknown>>
  /** Ends every held connection cleanly (process shutdown). */
  shutdown(): void
  /** Present when the tier takes realtime requests before the origin (Fastly Fanout). */
  readonly front?: TierFront
}
