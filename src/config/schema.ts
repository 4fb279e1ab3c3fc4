/**
 * The zod schema of `gripgate.config.json`, the public config contract.
 *
 * Every field is declared once, here: the parser, the defaults and the committed
 * JSON Schema (`gripgate.config.schema.json`) all derive from it, so a new field
 * is one line in this file plus its type in `types.ts`. Value rules live in
 * `fields.ts`; messages for plain type and range errors come from `issues.ts`.
 * @module
 */
import { z } from 'zod'
import { expectedGot } from './describe.ts'
import {
  absolutePath,
  type ConfigEnv,
  hostName,
  ipRange,
  originUrl,
  positiveInt,
  REDIS_URL_CHECK,
  routePath,
  seconds,
  secret,
  surrogateKey,
  text,
} from './fields.ts'

export type { ConfigEnv } from './fields.ts'

const MIB = 1024 * 1024

/** Origin timeout when `timeoutMs` is omitted. */
export const DEFAULT_TIMEOUT_MS = 30_000
/** Longest silence of an origin mid-body when `idleTimeoutMs` is omitted (nginx's `proxy_read_timeout` is 60 s). */
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000
/** Whole-cache budget when `cache.maxBytes` is omitted. */
export const DEFAULT_MAX_BYTES = 64 * MIB
/** Per-object limit when `cache.maxObjectBytes` is omitted (clamped to `maxBytes`). */
export const DEFAULT_MAX_OBJECT_BYTES = 8 * MIB

const originSchema = z
  .strictObject({
    url: originUrl().describe(
      'Base URL of the origin (http: or https:, no query or fragment); the request path is appended to it.'
    ),
    timeoutMs: positiveInt()
      .default(DEFAULT_TIMEOUT_MS)
      .describe('Abort the origin request after this many milliseconds and answer 504.'),
    hostHeader: hostName()
      .optional()
      .describe("Host header to send to the origin instead of the client's."),
    idleTimeoutMs: positiveInt()
      .default(DEFAULT_IDLE_TIMEOUT_MS)
      .describe(
        'Abort the response when the origin sends nothing for this many milliseconds after its response head (the client sees an aborted response; nothing is cached).'
      ),
  })
  .describe('One named upstream.')

const cacheOverrideSchema = z
  .strictObject({
    ttl: seconds('Edge freshness lifetime, replacing the origin headers'),
    staleWhileRevalidate: seconds(
      'How long a stale copy may be served while it is refreshed'
    ).optional(),
    staleIfError: seconds('How long a stale copy may be served when the origin fails').optional(),
    keys: z
      .array(surrogateKey())
      .optional()
      .describe('Surrogate keys to tag the cached response with, for purging.'),
  })
  .describe('Route-level cache override: the edge freshness replaces the origin headers.')

const routeCacheSchema = z
  .union([z.literal('origin'), z.literal(false), cacheOverrideSchema], {
    error: (iss) => expectedGot('"origin", false or an object such as { "ttl": 60 }', iss.input),
  })
  .default('origin')
  .describe(
    '"origin" obeys the origin cache headers; false bypasses the cache; an object overrides.'
  )

const routeSchema = z
  .strictObject({
    path: routePath().describe('Exact path, or a prefix ending in a single "*" (e.g. "/api/*").'),
    host: hostName().optional().describe('Match only requests for this host.'),
    origin: text().describe('Name of the origin (a key of "origins") that serves this route.'),
    cache: routeCacheSchema,
    realtime: z
      .boolean()
      .optional()
      .describe(
        'Hand every request on this route to the fanout tier (Fastly Fanout), not only WebSocket upgrades and Accept: text/event-stream.'
      ),
  })
  .describe('One entry of the ordered route table; the first match wins.')

const cacheLimitsSchema = z
  .strictObject({
    maxBytes: positiveInt()
      .default(DEFAULT_MAX_BYTES)
      .describe('Total size budget of the edge cache, in bytes.'),
    maxObjectBytes: positiveInt()
      .optional()
      .describe(
        `Largest single cached response, in bytes. Default ${DEFAULT_MAX_OBJECT_BYTES} (8 MiB), or maxBytes if smaller.`
      ),
    requestDirectives: z
      .enum(['ignore', 'honor'], {
        error: (iss) => expectedGot('"ignore" or "honor"', iss.input),
      })
      .default('ignore')
      .describe(
        'A client\'s Cache-Control / Pragma: "ignore" serves fresh hits regardless (as CDNs do, so no client can send load to the origin at will); "honor" follows RFC 9111 §5.2.1.'
      ),
  })
  .refine((c) => c.maxObjectBytes === undefined || c.maxObjectBytes <= c.maxBytes, {
    path: ['maxObjectBytes'],
    error: (iss) => {
      const { maxBytes, maxObjectBytes } = iss.input as { maxBytes: number; maxObjectBytes: number }
      return `must not exceed cache.maxBytes (${maxBytes}), got ${maxObjectBytes}`
    },
  })
  .transform((c) => ({
    maxBytes: c.maxBytes,
    // Clamped rather than rejected: a small maxBytes alone should not force the user to set both.
    maxObjectBytes: c.maxObjectBytes ?? Math.min(DEFAULT_MAX_OBJECT_BYTES, c.maxBytes),
    requestDirectives: c.requestDirectives,
  }))
  .describe('Size limits and request handling of the edge cache.')

const publishPurgeSchema = z
  .strictObject({
    channels: z
      .boolean()
      .default(true)
      .describe('Purge each published channel name as a surrogate key.'),
    keys: z
      .record(text(), z.array(surrogateKey()))
      .default({})
      .describe(
        'Extra surrogate keys to purge per channel: exact names, or prefixes ending in "*".'
      ),
    soft: z
      .boolean()
      .default(false)
      .describe('Soft purge (mark stale and revalidate) unless an item sets "purge-mode".'),
  })
  .describe('What a publish purges from the edge cache before it delivers.')

const limitsSchema = z
  .strictObject({
    maxConnections: positiveInt()
      .default(50_000)
      .describe('Held connections (streams, long-polls, WebSockets) before new ones get 503.'),
    subscriptionsPerConnection: positiveInt()
      .default(20)
      .describe('Channels one connection may subscribe to; extras are dropped, as Pushpin does.'),
    subscriberQueueBytes: positiveInt()
      .default(1_048_576)
      .describe('Bytes queued for one slow subscriber before its stream is ended.'),
    wsMessageBytes: positiveInt()
      .default(1_048_576)
      .describe(
        'Largest WebSocket message a client may send, fragments counted together; a larger one closes the socket with 1009.'
      ),
    wsQueueBytes: positiveInt()
      .default(1_048_576)
      .describe(
        'Client WebSocket input waiting for the origin (WebSocket-over-HTTP) per connection; more closes the socket with 1008.'
      ),
  })
  .describe('Bounds of the embedded fanout tier.')

/** Cluster timings when omitted (docs/cluster.md). */
export const DEFAULT_HEARTBEAT_MS = 1000
export const DEFAULT_LEASE_MS = 3000
export const DEFAULT_ACK_TIMEOUT_MS = 1000

const clusterSchema = (env: ConfigEnv) =>
  z
    .strictObject({
      redis: z
        .strictObject({
          url: secret(
            env,
            'redis:// or rediss:// URL of the Redis the nodes share (password and database in the URL).',
            REDIS_URL_CHECK
          ),
        })
        .optional()
        .describe(
          'The Redis every node of the cluster uses. Without it, only `gripgate serve --workers N` clusters (through its primary process).'
        ),
      name: text()
        .regex(/^[A-Za-z0-9_.:-]+$/, {
          error: (iss) => expectedGot('letters, digits and _.:- only', iss.input),
        })
        .default('gripgate')
        .describe('Prefix of every Redis key of this cluster, so several can share one Redis.'),
      heartbeatMs: positiveInt()
        .default(DEFAULT_HEARTBEAT_MS)
        .describe('How often a node beats and checks its cache lease.'),
      leaseMs: positiveInt()
        .default(DEFAULT_LEASE_MS)
        .describe(
          'Cache lease: a node serves from its cache only this long after a check found it had applied every purge; also how long a silent node counts as live.'
        ),
      ackTimeoutMs: positiveInt()
        .default(DEFAULT_ACK_TIMEOUT_MS)
        .describe(
          'How long a purge waits for every live node to acknowledge before it waits out the leases of those that did not.'
        ),
    })
    .refine((c) => c.leaseMs >= 2 * c.heartbeatMs, {
      path: ['leaseMs'],
      error: (iss) => {
        const { heartbeatMs, leaseMs } = iss.input as { heartbeatMs: number; leaseMs: number }
        return `must be at least twice cluster.heartbeatMs (${heartbeatMs}), got ${leaseMs}`
      },
    })
    .describe('Many gripgate processes or machines as one gateway (Node; docs/cluster.md).')

const historyOverrideSchema = z
  .strictObject({
    size: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Items kept per matching channel (0 keeps none).'),
    ttlSeconds: positiveInt().optional().describe('Seconds an item is kept.'),
  })
  .describe('History bounds for the channels a pattern matches.')

const historySchema = z
  .strictObject({
    size: z
      .number()
      .int()
      .min(0)
      .default(100)
      .describe('Published items kept per channel for resuming subscribers (0 keeps none).'),
    ttlSeconds: positiveInt().default(300).describe('Seconds a published item is kept.'),
    maxChannels: positiveInt()
      .default(10_000)
      .describe(
        'Channels whose history is kept at most by one process (Node); the least recently published are dropped first.'
      ),
    channels: z
      .record(text(), historyOverrideSchema)
      .default({})
      .describe(
        'Overrides by exact channel name or "prefix*" pattern (the longest matching prefix wins), e.g. { "chat-*": { "size": 1000 } }.'
      ),
  })
  .describe(
    'Channel history: reconnecting subscribers (prev-id, Last-Event-ID, WebSocket subscribe with prev-id) resume from the gateway. Absent: off.'
  )

const adminSchema = z
  .strictObject({
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .describe('TCP port of the admin listener (0 picks a free one).'),
    host: text()
      .default('127.0.0.1')
      .describe(
        'Address the admin listener binds; loopback by default, since it answers /metrics and the control API.'
      ),
  })
  .describe(
    'A second listener for operators (Node): /metrics, /healthz, /readyz and the publish, purge and stats API (docs/operations.md). Absent: none, unless `gripgate serve --admin-port N`.'
  )

/**
 * The schema of the whole file. Secrets are resolved against `env`, so the
 * schema is built per parse; its input side (what `z.toJSONSchema` reads with
 * `io: "input"`) does not depend on `env`.
 */
export function createConfigSchema(env: ConfigEnv) {
  return z
    .strictObject({
      $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors.'),
      origins: z
        .record(text(), originSchema)
        .describe('Named upstreams; routes refer to them by name.'),
      routes: z
        .array(routeSchema)
        .min(1)
        .describe('Ordered route table; the first matching route wins.'),
      grip: z
        .strictObject({
          key: secret(env, 'Key that signs Grip-Sig tokens to the origin.'),
          iss: text().default('gripgate').describe('Issuer claim of Grip-Sig tokens.'),
        })
        .optional()
        .describe('GRIP signing; without it, realtime routes are unavailable.'),
      publish: z
        .strictObject({
          path: absolutePath()
            .default('/publish/')
            .describe('Path of the publish and purge endpoint.'),
          keys: z
            .array(secret(env, 'A bearer key accepted by the publish endpoint.'))
            .min(1)
            .describe('Bearer keys accepted by the publish endpoint.'),
          purge: publishPurgeSchema.prefault({}),
          public: z
            .boolean()
            .default(true)
            .describe(
              'Answer publish, purge and stats on the public listener too; false keeps them on the admin listener only (`admin`, Node).'
            ),
        })
        .optional()
        .describe('The publish endpoint; without it, publish and purge are not mounted.'),
      cache: cacheLimitsSchema.prefault({}),
      limits: limitsSchema.prefault({}),
      cluster: clusterSchema(env).optional(),
      trustedProxies: z
        .array(ipRange())
        .default([])
        .describe(
          'Proxies in front of the gateway (addresses or CIDR ranges): their X-Forwarded-For is extended with their address instead of replaced by it. Default none.'
        ),
      history: historySchema.optional(),
      admin: adminSchema.optional(),
    })
    .transform(({ $schema: _schema, ...config }) => config)
}
