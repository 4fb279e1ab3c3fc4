/**
 * The one publish flow, on every platform (ARCHITECTURE.md, "Consistency contract" 2, 3
 * and 5): purge every item's keys first, then hand the items whose keys are all gone to the
 * fanout tier, then report what happened to each item.
 *
 * An item whose purge failed is not delivered: a subscriber that pulls on the push would read
 * the stale content this order exists to prevent. The publisher is told and can publish again.
 * @module
 */
import type { PublishPurgeConfig } from '../config/types.ts'
import type { FanoutTier, PublishReport } from '../fanout.ts'
import type { PurgeFailure, Purger } from '../purge/purger.ts'
import { planPurge } from './purge-plan.ts'
import type { PublishBody } from './read-body.ts'

/** One item's line in the outcome. */
export interface ItemLine {
  index: number
  channel: string
  outcome: 'published' | 'purge-failed'
  /** Keys of this item that could not be purged (`purge-failed`). */
  failedKeys?: string[]
}

/** What a publish did, item by item. */
export interface PublishOutcome {
  items: ItemLine[]
  /** The tier's report on the items it was given; absent when none could be given. */
  report?: PublishReport
  purgedKeys: string[]
  failedKeys: PurgeFailure[]
  /** Stored objects the purge covered; `null` where the cache does not count. */
  objects: number | null
  /** Cluster nodes that did not acknowledge the purge in time (docs/cluster.md). */
  unacknowledged?: string[]
}

/** Purges, then delivers what may be delivered. Errors of the tier itself propagate. */
export async function publishAndPurge(
  body: PublishBody,
  purge: PublishPurgeConfig,
  purger: Purger,
  tier: Pick<FanoutTier, 'publish'>
): Promise<PublishOutcome> {
  const plan = planPurge(body.items, purge)
  const hard = await purger.purge(plan.hard, false)
  const soft = await purger.purge(plan.soft, true)
  const failedKeys = [...hard.failed, ...soft.failed]
  const failedSet = new Set(failedKeys.map((failure) => failure.key))

  const items: ItemLine[] = []
  const deliverable: number[] = []
  for (const [index, item] of body.items.entries()) {
    const own = planPurge([item], purge)
    const failed = [...own.hard, ...own.soft].filter((key) => failedSet.has(key))
    if (failed.length > 0) {
      items.push({ index, channel: item.channel, outcome: 'purge-failed', failedKeys: failed })
    } else {
      items.push({ index, channel: item.channel, outcome: 'published' })
      deliverable.push(index)
    }
  }
  const objects =
    hard.objects === null || soft.objects === null ? null : hard.objects + soft.objects
  const outcome: PublishOutcome = {
    items,
    purgedKeys: [...hard.purged, ...soft.purged],
    failedKeys,
    objects,
  }
  const unacknowledged = [
    ...new Set([...(hard.unacknowledged ?? []), ...(soft.unacknowledged ?? [])]),
  ]
  if (hard.unacknowledged || soft.unacknowledged) outcome.unacknowledged = unacknowledged
  if (deliverable.length === 0) return outcome
  const all = deliverable.length === body.items.length
  outcome.report = all
    ? await tier.publish(body.items, body.raw)
    : await tier.publish(
        deliverable.map((index) => body.items[index]!),
        deliverable.map((index) => body.raw[index] ?? {})
      )
  return outcome
}
