/**
 * `ChannelRoom`: one Durable Object per channel (`idFromName(channel)`). It keeps, in its
 * storage, the holders that have subscribers for the channel, and passes each published
 * batch on to them. Per holder, batches leave in the order they arrived, one call at a
 * time, so per-channel order survives the extra hop; a slow holder delays only itself.
 * @module
 */
import { DurableObject } from 'cloudflare:workers'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { PublishReport } from '../../../src/hub/hub.ts'
import { workersLogger } from '../logger.ts'
import type { FanoutEnv } from './env.ts'

const HOLDER_KEY = 'holder:'
const LAST_ID_KEY = 'last-id'

/** The holders of one channel. */
export class ChannelRoom extends DurableObject<FanoutEnv> {
  readonly #holders = new Set<string>()
  /** Per holder, the delivery in progress; the next batch waits for it. */
  readonly #queues = new Map<string, Promise<PublishReport | undefined>>()
  #lastId: string | undefined

  constructor(ctx: DurableObjectState, env: FanoutEnv) {
    super(ctx, env)
    // Nothing else runs until the holder set is loaded (input gate).
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list({ prefix: HOLDER_KEY })
      for (const key of stored.keys()) this.#holders.add(key.slice(HOLDER_KEY.length))
      this.#lastId = await ctx.storage.get<string>(LAST_ID_KEY)
    })
  }

  /**
   * RPC from a holder: it has subscribers now. Answers the id of the last item published
   * here, so a holder new to the channel can tell a stale instruction (GRIP.md §9).
   */
  async register(holderId: string): Promise<{ lastId?: string }> {
    if (!this.#holders.has(holderId)) {
      this.#holders.add(holderId)
      await this.ctx.storage.put(`${HOLDER_KEY}${holderId}`, 1)
    }
    return this.#lastId === undefined ? {} : { lastId: this.#lastId }
  }

  /** RPC from a holder: it has no subscriber left (or never had one). */
  async unregister(holderId: string): Promise<void> {
    if (this.#holders.delete(holderId)) await this.ctx.storage.delete(`${HOLDER_KEY}${holderId}`)
  }

  /** RPC from the Worker: a batch of items of this channel, in publish order. */
  async publish(items: PublishItem[]): Promise<PublishReport> {
    this.#noteLastId(items)
    const reports = await Promise.all([...this.#holders].map((id) => this.#deliver(id, items)))
    return combine(items.length, reports)
  }

  /** The ids of the registered holders. */
  holderIds(): string[] {
    return [...this.#holders]
  }

  #deliver(holderId: string, items: PublishItem[]): Promise<PublishReport | undefined> {
    const holder = this.env.HOLDERS.get(this.env.HOLDERS.idFromString(holderId))
    const previous = this.#queues.get(holderId) ?? Promise.resolve(undefined)
    const next = previous
      .then(() => holder.deliver(items))
      .catch((error: unknown) => {
        // Kept registered: a holder that failed once (an update, an overload) usually recovers.
        workersLogger(this.env.GRIPGATE_LOG).error('delivery to holder failed', {
          holder: holderId,
          error: String(error),
        })
        return undefined
      })
    this.#queues.set(holderId, next)
    void next.then(() => {
      if (this.#queues.get(holderId) === next) this.#queues.delete(holderId)
    })
    return next
  }

  /** Tracks the channel's last id as each holder's sequencer would see it. */
  #noteLastId(items: readonly PublishItem[]): void {
    const before = this.#lastId
    for (const item of items) this.#lastId = item.id
    if (this.#lastId === before) return
    if (this.#lastId === undefined) void this.ctx.storage.delete(LAST_ID_KEY)
    else void this.ctx.storage.put(LAST_ID_KEY, this.#lastId)
  }
}

/**
 * One report for the batch: holders sequence the same items alike, so the largest count of
 * each kind stands for all; with no holder every item was released to nobody, and when
 * every holder failed none was.
 */
function combine(items: number, reports: readonly (PublishReport | undefined)[]): PublishReport {
  const done = reports.filter((report): report is PublishReport => report !== undefined)
  if (reports.length === 0) return { items, released: items, held: 0, duplicates: 0 }
  if (done.length === 0) return { items, released: 0, held: 0, duplicates: 0 }
  const most = (key: 'released' | 'held' | 'duplicates') =>
    Math.max(...done.map((report) => report[key]))
  return { items, released: most('released'), held: most('held'), duplicates: most('duplicates') }
}
