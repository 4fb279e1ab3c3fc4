/**
 * The cluster tier (edge/node/cluster/cluster-fanout.ts) passes the FanoutTier contract on
 * the in-process bus: a publish goes through the ordered log and this node's hub delivers it.
 */
import { performance } from 'node:perf_hooks'
import { ClusterFanout } from '../../../edge/node/cluster/cluster-fanout.ts'
import { ClusterNode } from '../../../edge/node/cluster/cluster-node.ts'
import { Lease } from '../../../edge/node/cluster/lease.ts'
import { MemoryBroker, MemoryBus } from '../../../edge/node/cluster/memory-broker.ts'
import { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import { runFanoutTierContract } from '../../contract/fanout-tier.contract.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import { LIMITS } from '../../helpers/grip-harness.ts'

runFanoutTierContract('ClusterFanout (in-process bus)', {
  holds: true,
  // The report counts what reached the log; each node's hub counts its own deliveries.
  counts: false,
  make: async () => {
    const now = () => performance.now()
    const local = new EmbeddedFanout({
      clock: new FakeClock(),
      logger: new CaptureLogger(),
      limits: LIMITS,
    })
    const node = new ClusterNode({
      bus: new MemoryBus(new MemoryBroker()),
      id: 'contract',
      timing: { heartbeatMs: 30, leaseMs: 150, ackTimeoutMs: 100 },
      logger: new CaptureLogger(),
      lease: new Lease(now, () => {}),
      now,
      connections: () => 0,
      async apply(record) {
        if (record.kind === 'publish') local.publish(record.items)
      },
    })
    await node.start(1000)
    return { tier: new ClusterFanout(local, node), close: () => node.stop() }
  },
})
