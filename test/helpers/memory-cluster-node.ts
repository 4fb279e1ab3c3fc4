/**
 * A cluster node on the in-process bus (edge/node/cluster/memory-broker.ts) with short
 * timings, for tests of the cluster protocol: the test supplies what applying a record does
 * and what happens when the lease is granted again after a lapse.
 */
import { performance } from 'node:perf_hooks'
import { ClusterNode } from '../../edge/node/cluster/cluster-node.ts'
import { Lease } from '../../edge/node/cluster/lease.ts'
import { type MemoryBroker, MemoryBus } from '../../edge/node/cluster/memory-broker.ts'
import type { ClusterRecord } from '../../edge/node/cluster/record-codec.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'

/** Heartbeat, lease and ack timeout short enough for tests, in the ratios the config asks. */
export const TEST_TIMING = { heartbeatMs: 30, leaseMs: 150, ackTimeoutMs: 100 }

/** Starts a node (waiting until it is live) whose lease and records the test observes. */
export async function startMemoryClusterNode(options: {
  broker: MemoryBroker
  id: string
  apply: (record: ClusterRecord) => Promise<void>
  onLeaseRestart?: () => void
}): Promise<{ node: ClusterNode; lease: Lease }> {
  const now = () => performance.now()
  const lease = new Lease(now, options.onLeaseRestart ?? (() => {}))
  const node = new ClusterNode({
    bus: new MemoryBus(options.broker),
    id: options.id,
    timing: TEST_TIMING,
    logger: new CaptureLogger(),
    lease,
    now,
    connections: () => 0,
    apply: options.apply,
  })
  await node.start(1000)
  return { node, lease }
}
