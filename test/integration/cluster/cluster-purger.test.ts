/**
 * A cluster node's purger (edge/node/cluster/cluster-purger.ts) passes the shared Purger
 * contract over two nodes on the in-process bus. A node that cannot apply a purge does not
 * report the key failed: it drops its cache lease (the cache is dropped before anything is
 * served again), so the contract runs in its `fences` mode.
 */
import { afterEach } from 'vitest'
import type { ClusterNode } from '../../../edge/node/cluster/cluster-node.ts'
import { ClusterPurger } from '../../../edge/node/cluster/cluster-purger.ts'
import type { Lease } from '../../../edge/node/cluster/lease.ts'
import { MemoryBroker } from '../../../edge/node/cluster/memory-broker.ts'
import { runPurgerContract } from '../../contract/purger.contract.ts'
import { startMemoryClusterNode } from '../../helpers/memory-cluster-node.ts'

interface TestNode {
  node: ClusterNode
  lease: Lease
  /** Keys this node applied, in order. */
  applied: string[]
  /** Keys this node cannot purge (its store throws). */
  refused: Set<string>
  /** Times the lease was granted again after a lapse (the fenced cache dropped). */
  restarts: number
}

const running: ClusterNode[] = []
afterEach(async () => {
  for (const node of running.splice(0)) await node.stop()
})

async function startNode(broker: MemoryBroker, id: string): Promise<TestNode> {
  const test = { applied: [], refused: new Set(), restarts: 0 } as unknown as TestNode
  Object.assign(
    test,
    await startMemoryClusterNode({
      broker,
      id,
      async apply(record) {
        if (record.kind !== 'purge') return
        test.applied.push(...record.keys)
        const bad = record.keys.find((key) => test.refused.has(key))
        if (bad !== undefined) throw new Error(`store refused ${bad}`)
      },
      onLeaseRestart: () => {
        test.restarts++
      },
    })
  )
  running.push(test.node)
  return test
}

runPurgerContract('ClusterPurger (two nodes on the in-process bus)', {
  softPurges: true,
  refusal: 'fences',
  make: async () => {
    const broker = new MemoryBroker()
    const issuer = await startNode(broker, 'issuer')
    const other = await startNode(broker, 'other')
    let restartsAtRefusal = 0
    return {
      purger: new ClusterPurger(issuer.node),
      refuse: (key) => {
        other.refused.add(key)
        restartsAtRefusal = other.restarts
      },
      reached: () => issuer.applied,
      // The cache the other node held when it refused: served only while its lease has not
      // lapsed and been granted again (which drops that cache).
      servesRefusingCache: () => other.lease.valid() && other.restarts === restartsAtRefusal,
    }
  },
})
