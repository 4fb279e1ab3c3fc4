/**
 * `GET /_gripgate/stats`: what the gateway holds and has done, as JSON.
 * @module
 */
import type { PullCache } from './cache/pull-cache.ts'
import type { FanoutTier } from './fanout.ts'

/** A snapshot of the fanout tier and cache counters. */
export async function statsSnapshot(
  tier: FanoutTier,
  cache: PullCache
): Promise<Record<string, unknown>> {
  return { ...(await tier.stats()), cache: cache.stats.toJSON() }
}
