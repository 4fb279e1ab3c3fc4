/**
 * `GET /_gripgate/stats`: what the gateway holds and has done, as JSON.
 * @module
 */
import type { PullCache } from './cache/pull-cache.ts'
import type { Hub } from './hub/hub.ts'

/** A snapshot of the hub and cache counters. */
export function statsSnapshot(hub: Hub, cache: PullCache): Record<string, unknown> {
  return { ...hub.snapshot(), cache: cache.stats.toJSON() }
}
