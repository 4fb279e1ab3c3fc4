/**
 * Issue 14: three `gripgate serve` processes on three ports, one cluster over a private
 * Redis, no load balancer: subscribe on A, publish on B, pull on C. Short heartbeat and lease
 * settings keep the failure cases quick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ServeProcess, startServe, writeTempConfig } from '../../helpers/cli.ts'
import { type ClusterOrigin, startClusterOrigin } from '../../helpers/cluster-origin.ts'
import { type RunningRedis, redisMissing, startRedis } from '../../helpers/redis.ts'
import { StreamReader } from '../../helpers/stream-clients.ts'

const KEY = 'cluster-publish-key'
const skip = redisMissing()

let redis: RunningRedis
let origin: ClusterOrigin
let configPath: string
const nodes: Record<'a' | 'b' | 'c', ServeProcess> = {} as never

async function publish(node: ServeProcess, items: unknown[]): Promise<Response> {
  return fetch(`${node.url}/publish/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, accept: 'application/json' },
    body: JSON.stringify({ items }),
  })
}

const sse = (channel: string, data: string, extra: Record<string, unknown> = {}) => ({
  channel,
  formats: { 'http-stream': { content: `data: ${data}\n\n` } },
  ...extra,
})

async function pull(node: ServeProcess, name: string): Promise<{ body: string; cache: string }> {
  const res = await fetch(`${node.url}/${name}`)
  return { body: await res.text(), cache: res.headers.get('x-cache') ?? '' }
}

async function stats(node: ServeProcess): Promise<{ cluster: { nodes: Array<{ id: string }> } }> {
  const res = await fetch(`${node.url}/_gripgate/stats`, {
    headers: { authorization: `Bearer ${KEY}` },
  })
  return (await res.json()) as never
}

/** Retries `attempt` every 50 ms, at most `tries` times, until it returns true. */
async function eventually(attempt: () => Promise<boolean>, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await attempt()) return true
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

describe.skipIf(skip !== undefined)(`three nodes over Redis${skip ? ` (${skip})` : ''}`, () => {
  beforeAll(async () => {
    ;[redis, origin] = await Promise.all([startRedis(), startClusterOrigin()])
    configPath = await writeTempConfig({
      origins: { app: { url: origin.url } },
      routes: [{ path: '/*', origin: 'app' }],
      grip: { key: 'cluster-grip-key' },
      publish: { keys: [KEY] },
      cluster: { redis: { url: redis.url }, heartbeatMs: 100, leaseMs: 400, ackTimeoutMs: 300 },
    })
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map(() => startServe(['--config', configPath, '--drain-ms', '300']))
    )
    Object.assign(nodes, { a, b, c })
  })

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map((node) => node?.stop()))
    await Promise.all([redis?.stop(), origin?.close()])
  })

  it('delivers a publish made on B to a subscriber on A, and C no longer serves the old content', async () => {
    origin.value.set('item', 1)
    expect((await pull(nodes.c, 'item')).body).toBe('1')
    expect(await pull(nodes.c, 'item')).toEqual({ body: '1', cache: 'HIT' })
    const subscriber = await StreamReader.open(`${nodes.a.url}/live`)
    await subscriber.waitForText((text) => text.includes('data: start'), 'the stream to open')
    origin.value.set('item', 2)
    const res = await publish(nodes.b, [sse('live', 'changed', { purge: ['item'] })])
    expect(res.status).toBe(200)
    await subscriber.waitForText((text) => text.includes('data: changed'), 'the push')
    expect((await pull(nodes.c, 'item')).body).toBe('2')
    subscriber.close()
    const seen = await stats(nodes.a)
    expect(seen.cluster.nodes).toHaveLength(3)
  })

  it('sees zero stale reads over 200 rounds: pushed via B to A, pulled on C', async () => {
    origin.value.set('counter', 0)
    await pull(nodes.c, 'counter')
    const subscriber = await StreamReader.open(`${nodes.a.url}/live-race`)
    await subscriber.waitForText((text) => text.includes('data: start'), 'the stream to open')
    let stale = 0
    for (let round = 1; round <= 200; round++) {
      origin.value.set('counter', round)
      const res = await publish(nodes.b, [
        sse('live-race', `round ${round}`, { purge: ['counter'] }),
      ])
      expect(res.status).toBe(200)
      await subscriber.waitForText(
        (text) => text.includes(`data: round ${round}\n`),
        `round ${round}`
      )
      // The subscriber pulls the moment it is pushed to, from another node.
      if (Number((await pull(nodes.c, 'counter')).body) < round) stale += 1
    }
    subscriber.close()
    expect(stale).toBe(0)
  })

  it('orders by prev-id across nodes: every node releases 1, 2, 3 whichever node took each', async () => {
    const onA = await StreamReader.open(`${nodes.a.url}/live-seq`)
    const onC = await StreamReader.open(`${nodes.c.url}/live-seq`)
    for (const reader of [onA, onC]) {
      await reader.waitForText((text) => text.includes('data: start'), 'the stream to open')
    }
    expect((await publish(nodes.b, [sse('live-seq', 'one', { id: '1' })])).status).toBe(200)
    // 3 arrives before 2 (through another node): every hub holds it back until 2 comes.
    expect(
      (await publish(nodes.c, [sse('live-seq', 'three', { id: '3', 'prev-id': '2' })])).status
    ).toBe(200)
    expect(
      (await publish(nodes.a, [sse('live-seq', 'two', { id: '2', 'prev-id': '1' })])).status
    ).toBe(200)
    for (const reader of [onA, onC]) {
      await reader.waitForText((text) => text.includes('data: three'), 'all three items')
      const order = ['one', 'two', 'three'].map((word) => reader.text.indexOf(`data: ${word}`))
      expect(order).toEqual([...order].sort((x, y) => x - y))
      reader.close()
    }
  })

  it('answers 503 while Redis is down, keeps held streams open, and delivers once it is back', async () => {
    const subscriber = await StreamReader.open(`${nodes.a.url}/live-redis`)
    await subscriber.waitForText((text) => text.includes('data: start'), 'the stream to open')
    origin.value.set('before-outage', 1)
    await pull(nodes.c, 'before-outage')
    expect((await pull(nodes.c, 'before-outage')).cache).toBe('HIT')
    await redis.stop()
    const refused = await publish(nodes.b, [sse('live-redis', 'lost?')])
    expect(refused.status).toBe(503)
    expect(((await refused.json()) as { code: string }).code).toBe('CLUSTER_UNAVAILABLE')
    await redis.start()
    // Nodes reconnect by themselves; publish until one is accepted.
    expect(
      await eventually(async () => (await publish(nodes.b, [sse('live-redis', 'back')])).ok)
    ).toBe(true)
    await subscriber.waitForText(
      (text) => text.includes('data: back'),
      'the push after Redis came back'
    )
    expect(subscriber.ended).toBe(false)
    expect(subscriber.text).not.toContain('lost?')
    subscriber.close()
    // The log came back empty (a new epoch): purges C might have missed are gone with it, so C
    // dropped its cache.
    origin.value.set('before-outage', 2)
    expect(await eventually(async () => (await pull(nodes.c, 'before-outage')).body === '2')).toBe(
      true
    )
  })

  it('carries on when a node is SIGKILLed, and a restarted node rejoins with an empty cache', async () => {
    origin.value.set('killed', 1)
    await pull(nodes.a, 'killed')
    await pull(nodes.c, 'killed')
    const subscriber = await StreamReader.open(`${nodes.a.url}/live-kill`)
    await subscriber.waitForText((text) => text.includes('data: start'), 'the stream to open')
    nodes.c.child.kill('SIGKILL')
    origin.value.set('killed', 2)
    const res = await publish(nodes.b, [sse('live-kill', 'after kill', { purge: ['killed'] })])
    expect(res.status).toBe(200)
    await subscriber.waitForText((text) => text.includes('data: after kill'), 'the push')
    expect((await pull(nodes.a, 'killed')).body).toBe('2')
    subscriber.close()

    nodes.c = await startServe(['--config', configPath, '--drain-ms', '300'])
    expect(await pull(nodes.c, 'killed')).toEqual({ body: '2', cache: 'MISS' })
    // The killed node's beat expires; the new one is listed.
    expect(await eventually(async () => (await stats(nodes.b)).cluster.nodes.length === 3)).toBe(
      true
    )
  })
})
