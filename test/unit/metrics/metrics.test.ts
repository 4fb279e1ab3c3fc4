import { describe, expect, it } from 'vitest'
import { flatMetrics, metricFamilies } from '../../../src/metrics/catalog.ts'
import {
  CountingMetrics,
  countingPurger,
  noMetrics,
  ORIGIN_BUCKETS,
} from '../../../src/metrics/metrics.ts'
import { recordingPurger } from '../../fakes/recording-purger.ts'

describe('CountingMetrics', () => {
  it('counts origin responses by status class, failures as error', () => {
    const metrics = new CountingMetrics()
    for (const status of [200, 204, 304, 404, 503, 0, 101, 999]) {
      metrics.originResponse('app', status, 0.01)
    }
    // 1xx 2xx 3xx 4xx 5xx error: 999 is no status class, so it counts as an error.
    expect(metrics.origins.get('app')?.classes).toEqual([1, 2, 1, 1, 1, 2])
  })

  it('puts each latency in the first bucket whose bound it does not exceed, +Inf last', () => {
    const metrics = new CountingMetrics()
    metrics.originResponse('app', 200, 0.005)
    metrics.originResponse('app', 200, 0.0051)
    metrics.originResponse('app', 200, 31)
    const counts = metrics.origins.get('app')!
    expect(counts.buckets).toHaveLength(ORIGIN_BUCKETS.length + 1)
    expect(counts.buckets[0]).toBe(1)
    expect(counts.buckets[1]).toBe(1)
    expect(counts.buckets.at(-1)).toBe(1)
    expect(counts.count).toBe(3)
    expect(counts.sum).toBeCloseTo(31.0101)
  })

  it('counts publishes by outcome and items by what the tier reported', () => {
    const metrics = new CountingMetrics()
    metrics.published('accepted', { items: 3, released: 1, held: 1, duplicates: 1 })
    metrics.published('accepted', { items: 2, released: null, held: null, duplicates: null })
    metrics.published('refused')
    metrics.published('failed')
    expect(metrics.publishes).toEqual({ accepted: 2, refused: 1, failed: 1 })
    expect(metrics.items).toEqual({ released: 1, held: 1, duplicates: 1, unknown: 2 })
  })
})

describe('countingPurger', () => {
  it('counts each purge call with keys, and what it purged', async () => {
    const metrics = new CountingMetrics()
    const purger = countingPurger(recordingPurger({ bad: 'nope' }), metrics)
    await purger.purge(['a', 'bad'], false)
    await purger.purge([], true)
    expect(metrics.purges).toBe(1)
    expect(metrics.purgedKeys).toBe(1)
    // The recording purger does not count objects (null), which adds nothing.
    expect(metrics.purgedObjects).toBe(0)
  })

  it('is the purger itself when nothing is counted', () => {
    const purger = recordingPurger()
    expect(countingPurger(purger, noMetrics)).toBe(purger)
  })
})

describe('metricFamilies', () => {
  const counts = new CountingMetrics()
  counts.originResponse('app', 200, 0.02)
  counts.originResponse('app', 502, 0.2)
  const families = metricFamilies({
    counts,
    tier: {
      connections: { stream: 2, response: 1, websocket: 0 },
      channels: 3,
      subscriptions: 4,
      deliveries: 10,
      drops: 1,
    },
    cache: { hits: 5, misses: 2, stale: 0, revalidated: 1, bypasses: 3 },
    store: { bytes: 1000, objects: 2 },
  })
  const byName = new Map(families.map((family) => [family.name, family]))

  it('names every metric the docs list, once', () => {
    expect([...byName.keys()]).toEqual([
      'gripgate_held_connections',
      'gripgate_channels',
      'gripgate_subscriptions',
      'gripgate_deliveries_total',
      'gripgate_slow_subscriber_drops_total',
      'gripgate_cache_lookups_total',
      'gripgate_cache_bytes',
      'gripgate_cache_objects',
      'gripgate_origin_requests_total',
      'gripgate_origin_request_duration_seconds',
      'gripgate_publishes_total',
      'gripgate_published_items_total',
      'gripgate_purges_total',
      'gripgate_purged_keys_total',
      'gripgate_purged_objects_total',
    ])
    expect(families).toHaveLength(byName.size)
  })

  it('labels held connections by transport and cache lookups by result', () => {
    expect(byName.get('gripgate_held_connections')?.samples).toEqual([
      { labels: { transport: 'stream' }, value: 2 },
      { labels: { transport: 'response' }, value: 1 },
      { labels: { transport: 'websocket' }, value: 0 },
    ])
    expect(
      byName.get('gripgate_cache_lookups_total')?.samples.map((s) => s.labels?.result)
    ).toEqual(['hit', 'miss', 'stale', 'revalidated', 'bypass'])
  })

  it('makes cumulative histogram buckets ending in +Inf, with _sum and _count', () => {
    const samples = byName.get('gripgate_origin_request_duration_seconds')!.samples
    const buckets = samples.filter((s) => s.suffix === '_bucket')
    expect(buckets.map((s) => s.value)).toEqual([0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2])
    expect(buckets.at(-1)?.labels).toEqual({ origin: 'app', le: '+Inf' })
    expect(samples.find((s) => s.suffix === '_count')?.value).toBe(2)
  })

  it('leaves out what a platform does not know', () => {
    const bare = metricFamilies({ counts: new CountingMetrics(), tier: {}, cache: {} })
    const names = bare.map((family) => family.name)
    expect(names).not.toContain('gripgate_held_connections')
    expect(names).not.toContain('gripgate_cache_bytes')
    expect(names).toContain('gripgate_publishes_total')
  })

  it('flattens to one JSON object for a log line, without histogram buckets', () => {
    const flat = flatMetrics(families)
    expect(flat['gripgate_cache_lookups_total{result=hit}']).toBe(5)
    expect(flat['gripgate_origin_requests_total{origin=app,class=5xx}']).toBe(1)
    expect(flat['gripgate_origin_request_duration_seconds_count{origin=app}']).toBe(2)
    expect(Object.keys(flat).some((key) => key.includes('_bucket'))).toBe(false)
  })
})
