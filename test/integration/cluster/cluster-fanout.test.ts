/**
 * The cluster tier (edge/node/cluster/cluster-fanout.ts) passes the FanoutTier contract on
 * the in-process bus: a publish goes through the ordered log and this node's hub delivers it.
 * Without a shared history, each node's hub keeps the channel history of what it applies.
 */
import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import { ClusterFanout } from '../../../edge/node/cluster/cluster-fanout.ts'
import { ClusterNode } from '../../../edge/node/cluster/cluster-node.ts'
import { clusterPlatform } from '../../../edge/node/cluster/cluster-platform.ts'
import { Lease } from '../../../edge/node/cluster/lease.ts'
import { MemoryBroker, MemoryBus } from '../../../edge/node/cluster/memory-broker.ts'
import { MemoryStore } from '../../../src/cache/memory-store.ts'
import { parseConfig } from '../../../src/config/parse.ts'
import { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import { runFanoutTierContract } from '../../contract/fanout-tier.contract.ts'
import { historyItem } from '../../contract/history-store.contract.ts'
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

describe('clusterPlatform history', () => {
  const config = (history: boolean) => {
    const parsed = parseConfig(
      {
        origins: { app: { url: 'http://127.0.0.1:9' } },
        routes: [{ path: '/*', origin: 'app' }],
        ...(history ? { history: { size: 10, ttlSeconds: 60 } } : {}),
      },
      {}
    )
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error))
    return parsed.value
  }
  const parts = () =>
    clusterPlatform({
      bus: new MemoryBus(new MemoryBroker()),
      cluster: { name: 'c', heartbeatMs: 30, leaseMs: 150, ackTimeoutMs: 100 },
      makeStore: () => new MemoryStore({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 }),
      clock: new FakeClock(),
      logger: new CaptureLogger(),
    })

  it('keeps the history in each node memory without a shared one (a --workers relay)', async () => {
    const cluster = parts()
    await cluster.start(1000)
    const tier = cluster.fanout(config(true)) as ClusterFanout
    await tier.publish([historyItem('c', '1'), historyItem('c', '2')])
    // Applied from the log by this node's hub, which records what it releases.
    let found = await tier.local.hub.historyAfter('c', '1')
    for (let i = 0; i < 100 && found === 'unknown'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      found = await tier.local.hub.historyAfter('c', '1')
    }
    expect(found).toEqual([historyItem('c', '2')])
    await cluster.stop()
  })

  it('keeps none without a history section', async () => {
    const cluster = parts()
    const tier = cluster.fanout(config(false)) as ClusterFanout
    expect(tier.local.hub.hasHistory).toBe(false)
    await cluster.stop()
  })
})
