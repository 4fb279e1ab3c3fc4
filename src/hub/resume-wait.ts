/**
 * While a subscriber is resumed from the channel history (issue #15), the live items of that
 * channel wait here; once the history is written, only those it did not already contain go
 * on, so no item reaches a client twice. One per session, channels apart.
 * @module
 */
import type { PublishItem } from '../grip/publish-item.ts'

/** Live items one channel keeps while it is resumed (Pushpin's session queue size). */
export const MAX_RESUME_QUEUE = 100

/** The ids of `items` (an item without one cannot be told apart from a new one). */
export function idsOf(items: readonly { id?: string }[]): Set<string> {
  const ids = new Set<string>()
  for (const item of items) if (item.id !== undefined) ids.add(item.id)
  return ids
}

/** The live items after `history`: those whose id history did not already deliver. */
export function afterHistory<T extends { id?: string }>(
  history: readonly { id?: string }[],
  waiting: readonly T[]
): T[] {
  const ids = idsOf(history)
  return waiting.filter((item) => item.id === undefined || !ids.has(item.id))
}

/**
 * The per-channel waits of one session. The map exists only while a wait does: a held
 * session rarely resumes, and an empty Map with its table is ~180 bytes (issue #18).
 */
export class ResumeWait {
  #waiting: Map<string, PublishItem[]> | undefined

  /** Starts waiting on `channel`; the returned token ends this wait (and no later one). */
  start(channel: string): object {
    const waiting: PublishItem[] = []
    this.#waiting ??= new Map()
    this.#waiting.set(channel, waiting)
    return waiting
  }

  /**
   * Keeps `item` when `channel` is being resumed (past the bound it is dropped, as a slow
   * subscriber's would be); false when the item should be delivered now.
   */
  keep(item: PublishItem, channel: string): boolean {
    const waiting = this.#waiting?.get(channel)
    if (!waiting) return false
    if (waiting.length < MAX_RESUME_QUEUE) waiting.push(item)
    return true
  }

  /**
   * Ends the wait `token` started: the waiting items `history` did not contain, to deliver
   * after it; undefined when the wait was cancelled or replaced meanwhile.
   */
  finish(
    channel: string,
    token: object,
    history: readonly PublishItem[]
  ): PublishItem[] | undefined {
    const waiting = this.#waiting?.get(channel)
    if (waiting !== token || !waiting) return undefined
    this.cancel(channel)
    return afterHistory(history, waiting)
  }

  /** Stops waiting on `channel` (unsubscribed); its waiting items are dropped. */
  cancel(channel: string): void {
    this.#waiting?.delete(channel)
    if (this.#waiting?.size === 0) this.#waiting = undefined
  }

  /** Stops every wait (the session ended). */
  clear(): void {
    this.#waiting = undefined
  }
}
