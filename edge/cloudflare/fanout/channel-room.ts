/**
 * `ChannelRoom`: one Durable Object per channel (`idFromName(channel)`). It keeps, in its
 * storage, the holders that have subscribers for the channel, and passes each published
 * batch on to them. Per holder, batches leave in the order they arrived, one call at a
 * time, so per-channel order survives the extra hop; a slow holder delays only itself.
 *
 * Its memory is its holders, and its storage their ids plus the channel's last id. The last
 * id is forgotten after `LAST_ID_TTL_MS` without a publish, as every holder's sequencer
 * forgets it (issue #12 item 7), and the alarm that does it leaves a room nobody uses with
 * nothing stored: a channel published once does not keep a key forever.
 *
 * With a `history` config it also keeps the channel's recent items in its storage
 * (history-store.ts, issue #15), recorded in publish order before they go to the holders,
 * and answers holders that resume a subscriber from them; the same alarm prunes them.
 * @module
 */
import { DurableObject } from 'cloudflare:workers'
import type { CountedReport } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import { historyPolicy } from '../../../src/history/policy.ts'
import type { HistoryLookup } from '../../../src/history/store.ts'
import { LAST_ID_TTL_MS } from '../../../src/hub/sequencer.ts'
import { workersLogger } from '../logger.ts'
import { type FanoutEnv, loadConfig } from './env.ts'
import { DurableObjectHistoryStore } from './history-store.ts'
import { HolderOutbox } from './holder-outbox.ts'
import type { ChannelRoomRpc } from './rpc.ts'

const HOLDER_KEY = 'holder:'
const LAST_ID_KEY = 'last-id'
/** Writes on the publish path that outgoing messages need not wait for (see `#noteLastId`). */
const UNCONFIRMED = { allowUnconfirmed: true }

/** The stored last id and when it was published (ms since the epoch). */
interface StoredLastId {
  id: string
  at: number
}

/** The holders of one channel. */
export class ChannelRoom extends DurableObject<FanoutEnv> implements ChannelRoomRpc {
  readonly #holders = new Set<string>()
  /** Per holder, one call at a time; batches that arrive meanwhile go in the next together. */
  readonly #outbox: HolderOutbox
  #lastId: StoredLastId | undefined
  /** Whether this instance has set the alarm that forgets the last id. */
  #armed = false
  readonly #history: DurableObjectHistoryStore | undefined

  constructor(ctx: DurableObjectState, env: FanoutEnv) {
    super(ctx, env)
    this.#outbox = new HolderOutbox(
      (holderId, batches) =>
        this.env.HOLDERS.get(this.env.HOLDERS.idFromString(holderId)).deliver(batches),
      workersLogger(env.GRIPGATE_LOG)
    )
    const history = loadConfig(env).history
    this.#history = history
      ? new DurableObjectHistoryStore(ctx.storage, this, historyPolicy(history))
      : undefined
    // Nothing else runs until the holder set is loaded (input gate).
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list({ prefix: HOLDER_KEY })
      for (const key of stored.keys()) this.#holders.add(key.slice(HOLDER_KEY.length))
      const last = await ctx.storage.get<StoredLastId | string>(LAST_ID_KEY)
      // A bare string was stored before last ids expired: its lifetime starts now.
      this.#lastId = typeof last === 'string' ? { id: last, at: this.now() } : last
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
    const lastId = this.#currentLastId()
    return lastId === undefined ? {} : { lastId }
  }

  /** RPC from a holder: it has no subscriber left (or never had one). */
  async unregister(holderId: string): Promise<void> {
    if (this.#holders.delete(holderId)) await this.ctx.storage.delete(`${HOLDER_KEY}${holderId}`)
  }

  /** RPC from the Worker: a batch of items of this channel, in publish order. */
  async publish(items: PublishItem[]): Promise<CountedReport> {
    this.#noteLastId(items)
    if (this.#history) {
      await this.#history.appendAll(items)
      if (!this.#armed) await this.#arm()
    }
    const reports = await Promise.all(
      [...this.#holders].map((id) => this.#outbox.deliver(id, items))
    )
    return combine(items.length, reports)
  }

  /**
   * RPC from a holder resuming a subscriber: the channel's items after `id` (issue #15);
   * `unknown` when this deployment keeps no history.
   */
  async historyAfter(channel: string, id: string): Promise<HistoryLookup> {
    return this.#history ? this.#history.itemsAfter(channel, id) : 'unknown'
  }

  /**
   * The alarm: forgets the last id once it has gone `LAST_ID_TTL_MS` without a publish, and
   * deletes history items past their age.
   */
  override async alarm(): Promise<void> {
    this.#armed = false
    await this.#arm()
  }

  /** Wall time; a method so a test can move one room's clock. */
  now(): number {
    return Date.now()
  }

  /** The ids of the registered holders. */
  holderIds(): string[] {
    return [...this.#holders]
  }

  /**
   * Tracks the channel's last id as each holder's sequencer would see it. The memory copy is
   * what holders are told; the stored one only seeds a restarted room, so its write does not
   * hold the publish's answer and deliveries behind the output gate (`allowUnconfirmed`): a
   * write lost in a crash leaves an older id, after which a holder asks the origin once more.
   */
  #noteLastId(items: readonly PublishItem[]): void {
    const before = this.#currentLastId()
    let id = before
    for (const item of items) id = item.id
    if (id === before) return
    if (id === undefined) {
      this.#lastId = undefined
      void this.ctx.storage.delete(LAST_ID_KEY, UNCONFIRMED)
      return
    }
    this.#lastId = { id, at: this.now() }
    void this.ctx.storage.put(LAST_ID_KEY, this.#lastId, UNCONFIRMED)
    if (!this.#armed) void this.#arm()
  }

  /** The last id unless it has expired, in which case it is forgotten here and in storage. */
  #currentLastId(): string | undefined {
    const last = this.#lastId
    if (!last) return undefined
    if (last.at + LAST_ID_TTL_MS > this.now()) return last.id
    this.#lastId = undefined
    void this.ctx.storage.delete(LAST_ID_KEY)
    return undefined
  }

  /** Sets the alarm for when the current last id or the oldest history item expires. */
  async #arm(): Promise<void> {
    const historyDue = await this.#history?.prune()
    const lastIdDue =
      this.#currentLastId() === undefined || !this.#lastId
        ? undefined
        : this.#lastId.at + LAST_ID_TTL_MS
    const due = [lastIdDue, historyDue].filter((at): at is number => at !== undefined)
    if (due.length === 0) return
    this.#armed = true
    await this.ctx.storage.setAlarm(Math.min(...due))
  }
}

/**
 * One report for the batch: holders sequence the same items alike, so the largest count of
 * each kind stands for all; with no holder every item was released to nobody, and when
 * every holder failed none was.
 */
function combine(items: number, reports: readonly (CountedReport | undefined)[]): CountedReport {
  const done = reports.filter((report): report is CountedReport => report !== undefined)
  if (reports.length === 0) return { items, released: items, held: 0, duplicates: 0 }
  if (done.length === 0) return { items, released: 0, held: 0, duplicates: 0 }
  const most = (key: 'released' | 'held' | 'duplicates') =>
    Math.max(...done.map((report) => report[key]))
  return { items, released: most('released'), held: most('held'), duplicates: most('duplicates') }
}
