/**
 * `GET /_gripgate/stats`: what the gateway holds and has done, as JSON.
 * @module
 */
import type { PullPath } from './cache/pull-path.ts'
import type { FanoutTier } from './fanout.ts'

/** A snapshot of the fanout tier and cache counters. */
export async function statsSnapshot(
  tier: FanoutTier,
  pullPath: Pick<PullPath, 'stats'>
): Promise<Record<string, unknown>> {
  return { ...(await tier.stats()), cache: pullPath.stats() }
}
