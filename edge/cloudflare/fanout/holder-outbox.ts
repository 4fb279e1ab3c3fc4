/**
 * A room's way out to its holders: per holder, one call at a time, in arrival order, and
 * every batch that arrived while a call was in flight goes in the next call together. A burst
 * of publishes on one channel then costs each holder a few calls instead of one per publish:
 * the RPC hop, not the delivery, was most of a burst's time in workerd (issue #16).
 * @module
 */
import type { CountedReport } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { Logger } from '../../../src/platform.ts'

/** Sends batches to one holder; answers one report per batch, in order. */
export type DeliverBatches = (
  holderId: string,
  batches: PublishItem[][]
) => Promise<readonly CountedReport[]>

/**
 * Items per call, at most (whole batches; a single larger batch still goes alone): a long
 * backlog is cut so no call nears the RPC message limit (32 MiB) with large items.
 */
export const MAX_ITEMS_PER_CALL = 512

interface Queue {
  batches: PublishItem[][]
  /** Resolves each batch's delivery with its report, or undefined when the call failed. */
  settle: ((report: CountedReport | undefined) => void)[]
}

/** Per-holder delivery queues of one room. */
export class HolderOutbox {
  readonly #send: DeliverBatches
  readonly #logger: Logger
  /** Holders with a call in flight, and what waits for the next one. */
  readonly #queues = new Map<string, Queue>()

  constructor(send: DeliverBatches, logger: Logger) {
    this.#send = send
    this.#logger = logger
  }

  /**
   * Delivers `items` to `holderId` after every batch given for it before; answers the
   * holder's report, or undefined when the holder failed (it stays registered: a holder
   * that failed once, an update or an overload, usually recovers).
   */
  deliver(holderId: string, items: PublishItem[]): Promise<CountedReport | undefined> {
    let queue = this.#queues.get(holderId)
    const idle = !queue
    if (!queue) {
      queue = { batches: [], settle: [] }
      this.#queues.set(holderId, queue)
    }
    const { batches, settle } = queue
    const report = new Promise<CountedReport | undefined>((resolve) => settle.push(resolve))
    batches.push(items)
    if (idle) void this.#drain(holderId, queue)
    return report
  }

  /** Batches waiting or in flight, for tests and diagnostics. */
  get pending(): number {
    let count = 0
    for (const queue of this.#queues.values()) count += queue.batches.length
    return count
  }

  async #drain(holderId: string, queue: Queue): Promise<void> {
    while (queue.batches.length > 0) {
      const count = takeCount(queue.batches)
      const batches = queue.batches.splice(0, count)
      const settle = queue.settle.splice(0, count)
      let reports: readonly (CountedReport | undefined)[] = []
      try {
        reports = await this.#send(holderId, batches)
      } catch (error) {
        this.#logger.error('delivery to holder failed', {
          holder: holderId,
          batches: batches.length,
          error: String(error),
        })
      }
      for (const [i, resolve] of settle.entries()) resolve(reports[i])
    }
    this.#queues.delete(holderId)
  }
}

/** How many of the waiting batches the next call takes: whole batches up to the item cap. */
function takeCount(batches: readonly PublishItem[][]): number {
  let items = 0
  let count = 0
  for (const batch of batches) {
    if (count > 0 && items + batch.length > MAX_ITEMS_PER_CALL) break
    items += batch.length
    count += 1
  }
  return count
}
