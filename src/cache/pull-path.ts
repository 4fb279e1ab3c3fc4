/**
 * The cache-strategy seam (ARCHITECTURE.md, "Seams"): how a pull passes the platform's edge
 * cache on its way to the origin, and how that cache is purged. Two strategies exist:
 * the core's RFC 9111 cache over a `CacheStore` (Node's memory, the Workers Cache API;
 * `storePullPath`), and a cache the platform runs itself in front of its fetch (Fastly's
 * readthrough cache, edge/fastly/readthrough.ts). The gateway sees only this interface.
 * @module
 */
import type { RouteCacheConfig } from '../config/types.ts'
import { type Purger, purgerFromBatchPurge } from '../purge/purger.ts'
import type { Forward } from './fill.ts'
import type { PullCache } from './pull-cache.ts'

/** A pull path: through the edge cache, around it, and its purger. */
export interface PullPath {
  /** Sends `request` to the origin through the edge cache as the route's `cache` says. */
  cached(request: Request, cache: RouteCacheConfig, forward: Forward): Promise<Response>
  /** Sends `request` around the cache (GRIP replays, next links, WebSocket-over-HTTP). */
  direct(request: Request, forward: Forward): Promise<Response>
  /** Purges this cache by surrogate key. */
  readonly purger: Purger
  /** Counters for the stats endpoint; `{}` where the platform keeps none. */
  stats(): Record<string, unknown>
}

/** The core's cache over a store, as a pull path. */
export function storePullPath(cache: PullCache): PullPath {
  return {
    cached: (request, routeCache, forward) => cache.handle(request, routeCache, forward),
    direct: (request, forward) => cache.bypass(request, forward),
    purger: purgerFromBatchPurge((keys, soft) => cache.purge(keys, soft)),
    stats: () => cache.stats.toJSON(),
  }
}
