/**
 * The typed gateway configuration, after parsing and secret resolution.
 * The JSON names in gripgate.config.json are a public contract: extend, never rename.
 * @module
 */

/** One named upstream. */
export interface OriginConfig {
  /** Base URL, e.g. `http://127.0.0.1:9000`; the request path is appended to it. */
  url: string
  /** Abort the origin request after this many milliseconds (504). */
  timeoutMs: number
  /** Host header to send instead of the client's. */
  hostHeader?: string
  /**
   * Abort a response whose body stalls this long between reads (default 30 s); always set
   * by the parser, optional so hand-built configs (tests) may leave it out.
   */
  idleTimeoutMs?: number
}

/** Route-level cache override: the edge freshness replaces the origin's. */
export interface CacheOverrideConfig {
  ttl: number
  staleWhileRevalidate?: number
  staleIfError?: number
  keys?: string[]
}

/** `"origin"` obeys the origin's headers; `false` bypasses the cache. */
export type RouteCacheConfig = 'origin' | false | CacheOverrideConfig

/** One entry of the ordered route table; the first match wins. */
export interface RouteConfig {
  /** Exact path, or a prefix ending in `*` (e.g. `/api/*`). */
  path: string
  host?: string
  origin: string
  cache: RouteCacheConfig
  /**
   * Where the platform hands realtime requests to an external fanout tier (Fastly Fanout),
   * hand off every request on this route, not only WebSocket upgrades and SSE requests.
   */
  realtime?: boolean
}

export interface GripConfig {
  key: string
  iss: string
}

/** What a publish purges from the edge cache (publish-and-purge). */
export interface PublishPurgeConfig {
  /** Purge the channel name as a surrogate key (default true). */
  channels: boolean
  /** Extra surrogate keys per channel: exact names, or prefixes ending in `*`. */
  keys: Record<string, string[]>
  /** Soft purge (mark stale) unless an item says otherwise (default false). */
  soft: boolean
}

export interface PublishConfig {
  path: string
  keys: string[]
  purge: PublishPurgeConfig
  /**
   * Whether the public listener answers publish, purge and stats (default true); false keeps
   * them on the admin listener. Optional so hand-built configs (tests) may leave it out.
   */
  public?: boolean
}

/** The operators' listener (Node): metrics, health and the control API. */
export interface AdminConfig {
  port: number
  host: string
}

/**
 * What the edge does with a client's request cache directives (`Cache-Control`, `Pragma`):
 * `ignore` serves fresh hits regardless, as CDNs do; `honor` follows RFC 9111 §5.2.1.
 */
export type RequestDirectivesMode = 'ignore' | 'honor'

export interface CacheConfig {
  maxBytes: number
  maxObjectBytes: number
  requestDirectives: RequestDirectivesMode
}

/** Bounds of the embedded fanout tier, so no client can grow its memory without limit. */
export interface LimitsConfig {
  /** Held connections (streams, long-polls, WebSockets); more are refused with 503. */
  maxConnections: number
  /** Channels one connection may subscribe to; extras are dropped (Pushpin's default 20). */
  subscriptionsPerConnection: number
  /** Bytes queued for one slow subscriber before it is dropped. */
  subscriberQueueBytes: number
  /** Largest WebSocket message from a client (fragments counted together); larger: 1009. */
  wsMessageBytes: number
  /** Client WebSocket input waiting behind an origin request, per connection; more: 1008. */
  wsQueueBytes: number
}

/** Several Node processes or machines as one gateway (docs/cluster.md). */
export interface ClusterConfig {
  /** Absent: only `--workers N` clusters, through its primary process. */
  redis?: { url: string }
  /** Prefix of this cluster's Redis keys. */
  name: string
  heartbeatMs: number
  leaseMs: number
  ackTimeoutMs: number
}

/** One channel pattern's history override; absent fields take the section's values. */
export interface HistoryOverrideConfig {
  size?: number
  ttlSeconds?: number
}

/**
 * Channel history (issue #15): published items kept per channel so reconnecting subscribers
 * resume from the gateway (docs/history.md).
 */
export interface HistoryConfig {
  /** Items kept per channel (0 keeps none). */
  size: number
  /** Seconds an item is kept. */
  ttlSeconds: number
  /** Channels whose history is kept at most, per process or tier (least recently published dropped). */
  maxChannels: number
  /** Overrides by exact channel name or `prefix*` pattern (the longest prefix wins). */
  channels: Record<string, HistoryOverrideConfig>
}

/** The whole gateway configuration with defaults applied and secrets resolved. */
export interface GatewayConfig {
  origins: Record<string, OriginConfig>
  routes: RouteConfig[]
  /** Absent: no Grip-Sig can be made, so realtime routes are unavailable. */
  grip?: GripConfig
  /** Absent: the publish and purge endpoints are not mounted. */
  publish?: PublishConfig
  cache: CacheConfig
  limits: LimitsConfig
  /** Absent: one process, nothing shared (optional like `trustedProxies`). */
  cluster?: ClusterConfig
  /**
   * Addresses and CIDR ranges of proxies in front of the gateway whose `X-Forwarded-For`
   * is extended rather than replaced (default none); optional like `idleTimeoutMs`.
   */
  trustedProxies?: string[]
  /** Absent: no history, reconnects recover through the origin as in Pushpin. */
  history?: HistoryConfig
  /** Absent: no admin listener (unless the command line asks for one). */
  admin?: AdminConfig
}

/** One problem in a config file, located by a JSON path such as `$.routes[0].origin`. */
export interface ConfigProblem {
  path: string
  message: string
}
