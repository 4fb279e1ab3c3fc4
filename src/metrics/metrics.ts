/**
 * The `Metrics` seam: events the gateway counts that no other part keeps a count of (origin
 * requests with their latency, publish and purge outcomes). What the hub and the cache count
 * already (connections, deliveries, drops, cache results) stays there and is read when the
 * metrics are exported (catalog.ts), so the hottest paths (a delivery, a cache hit) pay one
 * plain increment and nothing else. Platforms export the counts their own way: Node through
 * prom-client (edge/node/metrics-registry.ts), Workers and Fastly as structured log lines.
 * @module
 */

import type { Purger } from '../purge/purger.ts'

/** Upper bounds (seconds) of the origin latency histogram buckets; `+Inf` is implied. */
export const ORIGIN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const

/** How a publish request ended. */
export type PublishOutcome = 'accepted' | 'refused' | 'failed'

/** What happened to the items of an accepted publish. */
export interface ItemOutcomes {
  released: number | null
  held: number | null
  duplicates: number | null
  items: number
}

/**
 * Wraps `purger` so every purge call with keys is counted in `metrics` (purge requests and
 * the purge steps of publishes alike, whichever cache the purger reaches).
 */
export function countingPurger(purger: Purger, metrics: Metrics): Purger {
  if (metrics === noMetrics) return purger
  return {
    async purge(keys, soft) {
      const report = await purger.purge(keys, soft)
      if (keys.length > 0) metrics.purged(report.purged.length, report.objects)
      return report
    },
  }
}

/** Counts gateway events; every method is cheap and never throws. */
export interface Metrics {
  /**
   * One origin request got its response head (`status`), or failed (`status` 0: unreachable,
   * timed out), after `seconds`.
   */
  originResponse(origin: string, status: number, seconds: number): void
  /** One publish request ended; `items` when it was accepted. */
  published(outcome: PublishOutcome, items?: ItemOutcomes): void
  /**
   * One purge call of `keys` keys (a purge request, or a step of a publish) covered
   * `objects` stored objects; `null` where the cache does not count them (Fastly).
   */
  purged(keys: number, objects: number | null): void
}

/** A `Metrics` that counts nothing: the default where a platform exports none. */
export const noMetrics: Metrics = {
  originResponse() {},
  published() {},
  purged() {},
}

/** Status classes of origin responses, in the order `OriginCounts.classes` keeps them. */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'error'] as const

/** One origin's counts. */
export interface OriginCounts {
  /** Responses by `STATUS_CLASSES` index. */
  classes: number[]
  /** Observations per bucket of `ORIGIN_BUCKETS` (not cumulative), the last one `+Inf`. */
  buckets: number[]
  /** Seconds summed over every observation. */
  sum: number
  count: number
}

/** Item outcomes summed over accepted publishes; `unknown` where a tier cannot tell. */
export interface ItemCounts {
  released: number
  held: number
  duplicates: number
  unknown: number
}

/**
 * The `Metrics` every platform uses: plain counters, a map lookup per origin request, no
 * allocation per event once an origin was seen.
 */
export class CountingMetrics implements Metrics {
  readonly origins = new Map<string, OriginCounts>()
  readonly publishes: Record<PublishOutcome, number> = { accepted: 0, refused: 0, failed: 0 }
  readonly items: ItemCounts = { released: 0, held: 0, duplicates: 0, unknown: 0 }
  purges = 0
  purgedKeys = 0
  purgedObjects = 0

  originResponse(origin: string, status: number, seconds: number): void {
    let counts = this.origins.get(origin)
    if (!counts) {
      counts = {
        classes: STATUS_CLASSES.map(() => 0),
        buckets: [...ORIGIN_BUCKETS.map(() => 0), 0],
        sum: 0,
        count: 0,
      }
      this.origins.set(origin, counts)
    }
    const hundreds = Math.floor(status / 100)
    counts.classes[hundreds >= 1 && hundreds <= 5 ? hundreds - 1 : 5]! += 1
    let bucket = 0
    while (bucket < ORIGIN_BUCKETS.length && seconds > ORIGIN_BUCKETS[bucket]!) bucket++
    counts.buckets[bucket]! += 1
    counts.sum += seconds
    counts.count += 1
  }

  published(outcome: PublishOutcome, items?: ItemOutcomes): void {
    this.publishes[outcome] += 1
    if (!items) return
    // A tier that cannot count an outcome (Fastly's publish API) reports null for all three.
    if (items.released === null || items.held === null || items.duplicates === null) {
      this.items.unknown += items.items
      return
    }
    this.items.released += items.released
    this.items.held += items.held
    this.items.duplicates += items.duplicates
  }

  purged(keys: number, objects: number | null): void {
    this.purges += 1
    this.purgedKeys += keys
    this.purgedObjects += objects ?? 0
  }
}
