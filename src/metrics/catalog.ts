/**
 * The gateway's metrics by name, type, help and labels, built from the counters the gateway
 * keeps (`CountingMetrics`, the fanout tier's and the cache's stats) when someone asks for
 * them: a Prometheus scrape on Node, a periodic log line on Workers and Fastly. One list, so
 * every platform names a metric the same way (docs/operations.md lists them).
 * @module
 */
import { type CountingMetrics, ORIGIN_BUCKETS, STATUS_CLASSES } from './metrics.ts'

/** One value of a metric: its labels, and for a histogram which series it belongs to. */
export interface MetricSample {
  labels?: Record<string, string>
  value: number
  /** Histogram series: `_bucket` (with an `le` label), `_sum` or `_count`. */
  suffix?: '_bucket' | '_sum' | '_count'
}

/** A metric and its samples now. */
export interface MetricFamily {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  samples: MetricSample[]
}

/** What the metrics are read from. */
export interface MetricSources {
  counts: CountingMetrics
  /** The fanout tier's stats (`FanoutTier.stats()`); fields a tier lacks are left out. */
  tier: Record<string, unknown>
  /** The cache's counters (`PullPath.stats()`). */
  cache: Record<string, unknown>
  /** Bytes and objects the cache store holds now, where it knows. */
  store?: { bytes: number; objects: number } | undefined
}

const TRANSPORTS = ['stream', 'response', 'websocket'] as const
const CACHE_RESULTS = [
  ['hit', 'hits'],
  ['miss', 'misses'],
  ['stale', 'stale'],
  ['revalidated', 'revalidated'],
  ['bypass', 'bypasses'],
] as const

function numberAt(record: unknown, key: string): number | undefined {
  if (typeof record !== 'object' || record === null) return undefined
  const value = (record as Record<string, unknown>)[key]
  return typeof value === 'number' ? value : undefined
}

/** A family of one unlabelled sample, or none when the value is not known here. */
function single(
  name: string,
  type: 'counter' | 'gauge',
  help: string,
  value: number | undefined
): MetricFamily[] {
  return value === undefined ? [] : [{ name, type, help, samples: [{ value }] }]
}

/** The metrics of the fanout tier (held connections, subscriptions, deliveries, drops). */
function tierFamilies(tier: Record<string, unknown>): MetricFamily[] {
  const connections = tier.connections
  const held: MetricSample[] = []
  for (const transport of TRANSPORTS) {
    const value = numberAt(connections, transport)
    if (value !== undefined) held.push({ labels: { transport }, value })
  }
  return [
    ...(held.length > 0
      ? [
          {
            name: 'gripgate_held_connections',
            type: 'gauge' as const,
            help: 'Client connections held now, by transport (stream: SSE and other streams; response: long-poll; websocket).',
            samples: held,
          },
        ]
      : []),
    ...single(
      'gripgate_channels',
      'gauge',
      'Channels with at least one subscriber here.',
      numberAt(tier, 'channels')
    ),
    ...single(
      'gripgate_subscriptions',
      'gauge',
      'Channel subscriptions of the held connections.',
      numberAt(tier, 'subscriptions')
    ),
    ...single(
      'gripgate_deliveries_total',
      'counter',
      'Items handed to a subscriber.',
      numberAt(tier, 'deliveries')
    ),
    ...single(
      'gripgate_slow_subscriber_drops_total',
      'counter',
      'Subscribers dropped for falling behind (limits.subscriberQueueBytes).',
      numberAt(tier, 'drops')
    ),
  ]
}

/** The metrics of the cache: lookups by result, purges, size. */
function cacheFamilies(
  cache: Record<string, unknown>,
  store: MetricSources['store']
): MetricFamily[] {
  const lookups: MetricSample[] = []
  for (const [result, field] of CACHE_RESULTS) {
    const value = numberAt(cache, field)
    if (value !== undefined) lookups.push({ labels: { result }, value })
  }
  return [
    ...(lookups.length > 0
      ? [
          {
            name: 'gripgate_cache_lookups_total',
            type: 'counter' as const,
            help: 'Requests answered on the pull path, by cache result.',
            samples: lookups,
          },
        ]
      : []),
    ...single('gripgate_cache_bytes', 'gauge', 'Bytes the cache holds now.', store?.bytes),
    ...single('gripgate_cache_objects', 'gauge', 'Responses the cache holds now.', store?.objects),
  ]
}

/** Origin requests by origin and status class, and their latency histogram. */
function originFamilies(counts: CountingMetrics): MetricFamily[] {
  const requests: MetricSample[] = []
  const latency: MetricSample[] = []
  for (const [origin, counted] of counts.origins) {
    STATUS_CLASSES.forEach((status, index) => {
      const value = counted.classes[index] ?? 0
      if (value > 0) requests.push({ labels: { origin, class: status }, value })
    })
    let cumulative = 0
    counted.buckets.forEach((value, index) => {
      cumulative += value
      const le = index < ORIGIN_BUCKETS.length ? String(ORIGIN_BUCKETS[index]) : '+Inf'
      latency.push({ labels: { origin, le }, value: cumulative, suffix: '_bucket' })
    })
    latency.push({ labels: { origin }, value: counted.sum, suffix: '_sum' })
    latency.push({ labels: { origin }, value: counted.count, suffix: '_count' })
  }
  return [
    {
      name: 'gripgate_origin_requests_total',
      type: 'counter',
      help: 'Requests to origins, by origin name and status class (error: unreachable or timed out).',
      samples: requests,
    },
    {
      name: 'gripgate_origin_request_duration_seconds',
      type: 'histogram',
      help: 'Time from sending an origin request to its response head (or failure), by origin.',
      samples: latency,
    },
  ]
}

/** Publishes, items and purges counted by `CountingMetrics`. */
function controlFamilies(counts: CountingMetrics): MetricFamily[] {
  return [
    {
      name: 'gripgate_publishes_total',
      type: 'counter',
      help: 'Publish requests, by outcome (accepted; refused: 4xx; failed: 5xx).',
      samples: Object.entries(counts.publishes).map(([outcome, value]) => ({
        labels: { outcome },
        value,
      })),
    },
    {
      name: 'gripgate_published_items_total',
      type: 'counter',
      help: 'Items of accepted publishes, by outcome (released, held for an earlier id, duplicate; unknown where the tier does not say).',
      samples: Object.entries(counts.items).map(([outcome, value]) => ({
        labels: { outcome },
        value,
      })),
    },
    {
      name: 'gripgate_purges_total',
      type: 'counter',
      help: 'Purge calls (a purge request, or a hard or soft purge step of a publish).',
      samples: [{ value: counts.purges }],
    },
    {
      name: 'gripgate_purged_keys_total',
      type: 'counter',
      help: 'Surrogate keys purged.',
      samples: [{ value: counts.purgedKeys }],
    },
    {
      name: 'gripgate_purged_objects_total',
      type: 'counter',
      help: 'Stored responses the purges removed or marked stale (where the cache counts them).',
      samples: [{ value: counts.purgedObjects }],
    },
  ]
}

/** Every gateway metric, read from `sources` now. */
export function metricFamilies(sources: MetricSources): MetricFamily[] {
  return [
    ...tierFamilies(sources.tier),
    ...cacheFamilies(sources.cache, sources.store),
    ...originFamilies(sources.counts),
    ...controlFamilies(sources.counts),
  ]
}

/** A sample's name in a log line: `name` or `name{label=value,…}`. */
export function sampleKey(family: MetricFamily, sample: MetricSample): string {
  const name = `${family.name}${sample.suffix ?? ''}`
  const labels = sample.labels ? Object.entries(sample.labels) : []
  return labels.length > 0 ? `${name}{${labels.map(([k, v]) => `${k}=${v}`).join(',')}}` : name
}

/**
 * The families as one flat JSON object for a log line (keys from `sampleKey`); histograms
 * give their `_sum` and `_count` only.
 */
export function flatMetrics(families: readonly MetricFamily[]): Record<string, number> {
  const flat: Record<string, number> = {}
  for (const family of families) {
    for (const sample of family.samples) {
      if (sample.suffix !== '_bucket') flat[sampleKey(family, sample)] = sample.value
    }
  }
  return flat
}
