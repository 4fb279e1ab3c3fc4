/**
 * The `FanoutTier` of a cluster node: connections are held by this node's own hub
 * (`EmbeddedFanout`); a publish goes through the shared log, and every node's hub, this
 * one's included, delivers it in log order. So every hub sees the same items in the same
 * order and their ids and prev-ids agree (docs/cluster.md).
 * @module
 */
import type { Context } from 'hono'
import type { FanoutTier, OriginAgain, PublishReport, SendToOrigin } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { Instruct } from '../../../src/grip/types.ts'
import type { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import type { ClusterNode } from './cluster-node.ts'
import { clusterUnavailable } from './cluster-purger.ts'

/** Appends a publish's items to the log; resolves with the record's log id. */
export type IssuePublish = (items: PublishItem[]) => Promise<string>

export class ClusterFanout implements FanoutTier {
  readonly local: EmbeddedFanout
  readonly #node: ClusterNode
  readonly #issue: IssuePublish

  /**
   * `issue` replaces the plain log append: the Redis history writes the items to their
   * channels' histories in the same transaction (redis-history-store.ts).
   */
  constructor(local: EmbeddedFanout, node: ClusterNode, issue?: IssuePublish) {
    this.local = local
    this.#node = node
    this.#issue = issue ?? ((items) => node.issuePublish({ kind: 'publish', items }))
  }

  get maxChannels(): number {
    return this.local.maxChannels
  }

  hold(client: Request, instruct: Instruct, origin: OriginAgain): Promise<Response> {
    return this.local.hold(client, instruct, origin)
  }

  webSocket(c: Context, send: SendToOrigin): Promise<Response> {
    return this.local.webSocket(c, send)
  }

  /**
   * Resolves once the items are in the log (every node delivers them from there); throws
   * `CLUSTER_UNAVAILABLE` when they could not be written. Counts are per hub, so null here.
   */
  async publish(items: readonly PublishItem[]): Promise<PublishReport> {
    try {
      await this.#issue([...items])
    } catch (error) {
      throw clusterUnavailable(error)
    }
    return { items: items.length, released: null, held: null, duplicates: null }
  }

  async stats(): Promise<Record<string, unknown>> {
    return { ...(await this.local.stats()), cluster: await this.#node.snapshot() }
  }

  shutdown(): void {
    this.local.shutdown()
  }
}
