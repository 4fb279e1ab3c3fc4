/**
 * The cluster protocol on the in-process bus (edge/node/cluster/cluster-node.ts): purges wait
 * for every live node's ack, and a node that does not ack has lost its cache lease by the
 * time the purge resolves. Real timers with short settings; every wait is bounded.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { ClusterNode } from '../../../edge/node/cluster/cluster-node.ts'
import type { Lease } from '../../../edge/node/cluster/lease.ts'
import { MemoryBroker } from '../../../edge/node/cluster/memory-broker.ts'
import type { ClusterRecord } from '../../../edge/node/cluster/record-codec.ts'
import { startMemoryClusterNode } from '../../helpers/memory-cluster-node.ts'

interface TestNode {
  node: ClusterNode
  lease: Lease
  applied: ClusterRecord[]
  /** While set, applying a record waits for this promise (a node too slow to ack). */
  stall?: Promise<void>
}

const started: TestNode[] = []
afterEach(async () => {
  for (const { node } of started.splice(0)) await node.stop()
})

async function startNode(broker: MemoryBroker): Promise<TestNode> {
  const test = { applied: [] } as unknown as TestNode
  Object.assign(
    test,
    await startMemoryClusterNode({
      broker,
      id: `node${started.length}`,
      async apply(record) {
        await test.stall
        test.applied.push(record)
      },
    })
  )
  started.push(test)
  return test
}

describe('ClusterNode', () => {
  it('resolves a purge once every live node applied it', async () => {
    const broker = new MemoryBroker()
    const [a, b, c] = [await startNode(broker), await startNode(broker), await startNode(broker)]
    const issued = await b!.node.issuePurge(['k'], false)
    expect(issued.unacknowledged).toEqual([])
    for (const node of [a, b, c]) {
      expect(node!.applied).toEqual([{ kind: 'purge', keys: ['k'], soft: false }])
    }
    expect(a!.lease.valid()).toBe(true)
  })

  it('names a node that did not ack, and resolves only after its lease ended', async () => {
    const broker = new MemoryBroker()
    const a = await startNode(broker)
    const slow = await startNode(broker)
    let release = () => {}
    slow.stall = new Promise((resolve) => {
      release = resolve
    })
    const issued = await a.node.issuePurge(['k'], true)
    expect(issued.unacknowledged).toEqual([slow.node.id])
    // The slow node has not applied the purge, and may not serve its cache any more.
    expect(slow.applied).toEqual([])
    expect(slow.lease.valid()).toBe(false)
    release()
  })

  it('starts a new node at the end of the log, and a node that leaves stops serving its cache', async () => {
    const broker = new MemoryBroker()
    const a = await startNode(broker)
    await a.node.issuePublish({ kind: 'publish', items: [] })
    const late = await startNode(broker)
    expect(late.node.cursor).toBe(a.node.cursor)
    expect(late.applied).toEqual([])
    await a.node.stop()
    expect(a.lease.valid()).toBe(false)
  })
})
