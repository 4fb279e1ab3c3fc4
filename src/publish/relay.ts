/**
 * Publish-and-purge through an external fanout tier (Fastly Fanout): purge every item's keys
 * first, then hand the items whose keys are all gone to the tier's publish API, and report
 * what happened to each item (ARCHITECTURE.md, "Consistency contract" 2, 3 and 5).
 *
 * An item whose purge failed is not forwarded: delivering it would let a subscriber that
 * pulls on the push read the stale content this order exists to prevent. The publisher sees
 * a failure and can publish again.
 * @module
 */
import type { PublishPurgeConfig } from '../config/types.ts'
import type { JsonObject } from '../grip/json-fields.ts'
import type { PurgeFailure, Purger } from '../purge/purger.ts'
import { planPurge } from './purge-plan.ts'
import type { PublishBody } from './read-body.ts'

/** The answer of the tier's publish API to one batch. */
export interface FanoutPublishResult {
  ok: boolean
  /** HTTP status of the publish API; 0 when it could not be reached. */
  status: number
  /** What the API said (or why it could not be reached), cut short. */
  detail?: string
}

/** Sends a batch of items, as publish JSON objects, to the tier's publish API. */
export type ForwardItems = (items: readonly JsonObject[]) => Promise<FanoutPublishResult>

/** What happened to one item. */
export type ItemOutcome = 'published' | 'purge-failed' | 'publish-failed'

/** One item's line in the report. */
export interface RelayItemReport {
  index: number
  channel: string
  outcome: ItemOutcome
  /** Keys of this item that could not be purged (`purge-failed`). */
  failedKeys?: string[]
}

/** The outcome of a whole publish. */
export interface RelayReport {
  items: RelayItemReport[]
  purgedKeys: string[]
  failedKeys: PurgeFailure[]
  /** The publish API's answer; absent when no item was forwarded. */
  publishApi?: FanoutPublishResult
}

/** gripgate's own item fields (purge extension), which the tier's API does not know. */
const OWN_FIELDS = new Set(['purge', 'purge-mode'])

/** The item as the tier's publish API takes it: the client's JSON without gripgate's fields. */
export function fanoutItem(raw: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(raw).filter(([name]) => !OWN_FIELDS.has(name)))
}

/** Purges, then forwards, then reports. Never throws on a purge or API failure. */
export async function relayPublish(
  body: PublishBody,
  purge: PublishPurgeConfig,
  purger: Purger,
  forward: ForwardItems
): Promise<RelayReport> {
  const plan = planPurge(body.items, purge)
  const hard = await purger.purge(plan.hard, false)
  const soft = await purger.purge(plan.soft, true)
  const failed = [...hard.failed, ...soft.failed]
  const failedSet = new Set(failed.map((failure) => failure.key))

  const items: RelayItemReport[] = []
  const forwardable: JsonObject[] = []
  for (const [index, item] of body.items.entries()) {
    const own = planPurge([item], purge)
    const failedKeys = [...own.hard, ...own.soft].filter((key) => failedSet.has(key))
    if (failedKeys.length > 0) {
      items.push({ index, channel: item.channel, outcome: 'purge-failed', failedKeys })
      continue
    }
    items.push({ index, channel: item.channel, outcome: 'published' })
    forwardable.push(fanoutItem(body.raw[index] ?? {}))
  }

  const report: RelayReport = {
    items,
    purgedKeys: [...hard.purged, ...soft.purged],
    failedKeys: failed,
  }
  if (forwardable.length === 0) return report
  report.publishApi = await forward(forwardable)
  if (!report.publishApi.ok) {
    for (const line of items) if (line.outcome === 'published') line.outcome = 'publish-failed'
  }
  return report
}
