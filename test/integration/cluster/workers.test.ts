/**
 * Issue 14: `gripgate serve --workers 2` runs two workers on one port as one cluster, here
 * without Redis (the primary relays the bus over IPC): a publish reaches the subscribers of
 * both workers and purges both workers' caches.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ServeProcess, startServe, writeTempConfig } from '../../helpers/cli.ts'
import { type ClusterOrigin, startClusterOrigin } from '../../helpers/cluster-origin.ts'
import { StreamReader } from '../../helpers/stream-clients.ts'

const KEY = 'workers-publish-key'
let origin: ClusterOrigin
let serve: ServeProcess

interface NodeStats {
  cluster: { node: string; nodes: Array<{ id: string; connections: number }> }
}

async function stats(): Promise<NodeStats> {
  const res = await fetch(`${serve.url}/_gripgate/stats`, {
    headers: { authorization: `Bearer ${KEY}` },
  })
  return (await res.json()) as NodeStats
}

beforeAll(async () => {
  origin = await startClusterOrigin()
  const config = await writeTempConfig({
    origins: { app: { url: origin.url } },
    routes: [{ path: '/*', origin: 'app' }],
    grip: { key: 'workers-grip-key' },
    publish: { keys: [KEY] },
    cluster: { heartbeatMs: 100, leaseMs: 400, ackTimeoutMs: 300 },
  })
  serve = await startServe(['--config', config, '--workers', '2', '--drain-ms', '500'])
})

afterAll(async () => {
  expect(await serve?.stop()).toBe(0)
  await origin?.close()
})

describe('gripgate serve --workers 2 (no Redis)', () => {
  it('shares one port between two workers that deliver and purge as one gateway', async () => {
    origin.value.set('shared', 1)
    // Connections go to the workers in turn: pull until both have cached the resource.
    for (let i = 0; i < 4; i++) expect(await (await fetch(`${serve.url}/shared`)).text()).toBe('1')
    const subscribers = await Promise.all(
      Array.from({ length: 6 }, () => StreamReader.open(`${serve.url}/live`))
    )
    for (const reader of subscribers) {
      await reader.waitForText((text) => text.includes('data: start'), 'the stream to open')
    }
    // Both workers are live and hold some of the six streams between them.
    let seen: NodeStats | undefined
    for (let i = 0; i < 100; i++) {
      seen = await stats()
      const held = seen.cluster.nodes.map((node) => node.connections)
      if (held.length === 2 && held[0]! + held[1]! === 6) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const held = seen?.cluster.nodes.map((node) => node.connections) ?? []
    expect(held).toHaveLength(2)
    expect(held.every((count) => count > 0)).toBe(true)

    origin.value.set('shared', 2)
    const res = await fetch(`${serve.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        items: [
          {
            channel: 'live',
            formats: { 'http-stream': { content: 'data: all\n\n' } },
            purge: ['shared'],
          },
        ],
      }),
    })
    expect(res.status).toBe(200)
    for (const reader of subscribers) {
      await reader.waitForText((text) => text.includes('data: all'), 'the push')
      reader.close()
    }
    for (let i = 0; i < 4; i++) expect(await (await fetch(`${serve.url}/shared`)).text()).toBe('2')
  })
})
