/**
 * The seams a cluster node adds to the Node platform (docs/cluster.md): a cache store that
 * fences itself when the node's lease lapses, a fanout tier whose publishes go through the
 * shared log, and a purger that purges on every live node. Built when the config has
 * `cluster.redis` or `gripgate serve --workers N` hands the worker a bus.
 * @module
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { CacheStore } from '../../../src/cache/store.ts'
import type { ClusterConfig, GatewayConfig } from '../../../src/config/types.ts'
import type { FanoutTier } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { HeldStreamOpener } from '../../../src/held-stream.ts'
import { memoryHubHistory } from '../../../src/history/hub-history.ts'
import { historyPolicy } from '../../../src/history/policy.ts'
import type { HistoryPolicy, HistoryStore } from '../../../src/history/store.ts'
import { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import type { Clock, Logger } from '../../../src/platform.ts'
import type { Purger } from '../../../src/purge/purger.ts'
import type { WebSocketAcceptor } from '../../../src/ws-socket.ts'
import type { ClusterBus } from './bus.ts'
import { ClusterFanout } from './cluster-fanout.ts'
import { ClusterNode } from './cluster-node.ts'
import { ClusterPurger } from './cluster-purger.ts'
import { FencedStore } from './fenced-store.ts'
import { Lease } from './lease.ts'
import type { ClusterRecord } from './record-codec.ts'

/**
 * A channel history every node shares (Redis: redis-history-store.ts). The node that takes a
 * publish writes it, with the publish record, so each item is appended once and in log order.
 */
export interface SharedHistory extends HistoryStore {
  /** Appends items to their histories and their record to the log; resolves with its id. */
  publish(items: readonly PublishItem[]): Promise<string>
  /** This node's counters, for the stats endpoint. */
  snapshot(): Record<string, number>
}

export interface ClusterPlatformDeps {
  bus: ClusterBus
  cluster: ClusterConfig
  makeStore: () => CacheStore
  clock: Clock
  logger: Logger
  websocket?: WebSocketAcceptor
  streams?: HeldStreamOpener
  /**
   * Builds the shared history when the config has `history` (a cluster over Redis); absent,
   * each node keeps its own in memory from the items it applies (a `--workers` relay).
   */
  sharedHistory?: (policy: HistoryPolicy) => SharedHistory
}

/** The cluster's additions to a Node platform, and its lifecycle. */
export interface ClusterParts {
  node: ClusterNode
  store: FencedStore
  fanout: (config: GatewayConfig) => FanoutTier
  purger: (local: Purger) => Purger
  /** Joins the cluster; resolves after the first beat or `waitMs` (Redis may be down). */
  start(waitMs?: number): Promise<void>
  /** Leaves the cluster and closes the bus. */
  stop(): Promise<void>
}

/** A node id unique per process start. */
export function newNodeId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
}

export function clusterPlatform(deps: ClusterPlatformDeps): ClusterParts {
  const { bus, cluster, logger } = deps
  const store = new FencedStore(deps.makeStore, { valid: () => false })
  const lease = new Lease(
    () => performance.now(),
    () => store.reset()
  )
  store.setLease(lease)
  let local: EmbeddedFanout | undefined
  let localPurger: Purger | undefined
  const apply = async (record: ClusterRecord) => {
    if (record.kind === 'publish') {
      local?.publish(record.items)
      return
    }
    if (!localPurger) return
    const report = await localPurger.purge(record.keys, record.soft)
    if (report.failed.length > 0) {
      throw new Error(`purging ${report.failed.map((f) => f.key).join(', ')} failed`)
    }
  }
  const node = new ClusterNode({
    bus,
    id: newNodeId(),
    timing: cluster,
    logger,
    lease,
    now: () => performance.now(),
    apply,
    connections: () => {
      const held = local?.hub.connections
      return held ? held.stream + held.response + held.websocket : 0
    },
  })
  return {
    node,
    store,
    fanout(config) {
      const shared = config.history && deps.sharedHistory?.(historyPolicy(config.history))
      local = new EmbeddedFanout({
        clock: deps.clock,
        logger,
        limits: config.limits,
        websocket: deps.websocket,
        streams: deps.streams,
        // A shared history is written by publishers (no `record`): hubs only read it.
        history: shared
          ? {
              itemsAfter: (channel, id) => shared.itemsAfter(channel, id),
              snapshot: () => shared.snapshot(),
            }
          : memoryHubHistory(config.history, deps.clock),
      })
      return new ClusterFanout(local, node, shared ? (items) => shared.publish(items) : undefined)
    },
    purger(ownCache) {
      localPurger = ownCache
      return new ClusterPurger(node)
    },
    start: (waitMs = 2000) => node.start(waitMs),
    stop: () => node.stop(),
  }
}
