/**
 * What the fanout tier's Durable Objects answer over RPC: the Worker and the holders call a
 * `ChannelRoom`, the Worker and the rooms call a `ConnectionHolder` (streams and sockets
 * reach a holder by `fetch`, wire.ts). The namespaces of `FanoutEnv` are typed with these
 * interfaces rather than with the classes, so the objects and the environment they read do
 * not import each other.
 * @module
 */
import type { CountedReport, LastIds } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { HistoryLookup } from '../../../src/history/store.ts'
import type { HoldPayload } from './wire.ts'

/** A replay handled by whoever holds the client's body (the Worker, over RPC). */
export type ReplayCallback = (lastIds: LastIds) => Promise<Response>

/** One channel's room (channel-room.ts). */
export interface ChannelRoomRpc extends Rpc.DurableObjectBranded {
  /** From a holder: it has subscribers now; answers the channel's last id, if known. */
  register(holderId: string): Promise<{ lastId?: string }>
  /** From a holder: it has no subscriber left. */
  unregister(holderId: string): Promise<void>
  /** From the Worker: a batch of this channel's items, in publish order. */
  publish(items: PublishItem[]): Promise<CountedReport>
  /** From a holder resuming a subscriber: the channel's items after `id` (issue #15). */
  historyAfter(channel: string, id: string): Promise<HistoryLookup>
}

/** One shard of client connections (connection-holder.ts). */
export interface ConnectionHolderRpc extends Rpc.DurableObjectBranded {
  /** From the Worker: a long-poll to hold; `replay` when only the Worker has the body. */
  hold(payload: HoldPayload, replay?: ReplayCallback): Promise<Response>
  /**
   * From a room: the published batches that queued up for this holder since its last call
   * (holder-outbox.ts), in order; one report per batch.
   */
  deliver(batches: PublishItem[][]): Promise<CountedReport[]>
  /** From the Worker's stats endpoint. */
  stats(): Promise<Record<string, unknown>>
}
