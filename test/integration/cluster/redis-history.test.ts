/**
 * Issue #15 on a cluster over Redis: the channel history lives in Redis Streams, shared by
 * every node. Items published through node A before node B starts are in it, so an SSE client
 * that reconnects to B with `Last-Event-ID` resumes from Redis, then gets live items once.
 * Both gateways run in this process on real ports, with a private redis-server.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleLogger } from '../../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../../edge/node/server.ts'
import { parseConfig } from '../../../src/config/parse.ts'
import { type RunningRedis, redisMissing, startRedis } from '../../helpers/redis.ts'
import { StreamReader } from '../../helpers/stream-clients.ts'

const KEY = 'history-publish-key'
const skip = redisMissing()
const hits = new Map<string, number>()

/** A cacheable stream hold on the channel named by the path, no prev-id: the SSE pattern. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://origin').pathname
  hits.set(path, (hits.get(path) ?? 0) + 1)
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'public, max-age=300',
    'grip-hold': 'stream',
    'grip-channel': path.slice(1),
  })
  res.end(': open\n\n')
}

let redis: RunningRedis
let origin: http.Server
const gateways: RunningGateway[] = []

async function startNode(): Promise<RunningGateway> {
  const { port } = origin.address() as AddressInfo
  const config = parseConfig(
    {
      origins: { app: { url: `http://127.0.0.1:${port}` } },
      routes: [{ path: '/*', origin: 'app' }],
      grip: { key: 'grip-secret' },
      publish: { keys: [KEY], purge: { channels: false } },
      history: { size: 100, ttlSeconds: 300 },
      cluster: { redis: { url: redis.url }, heartbeatMs: 100, leaseMs: 400, ackTimeoutMs: 300 },
    },
    {}
  )
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  const gateway = await startGateway({
    config: config.value,
    port: 0,
    host: '127.0.0.1',
    logger: consoleLogger('error'),
  })
  gateways.push(gateway)
  return gateway
}

/** Publishes SSE events whose item id is the SSE `id:` (the docs/history.md convention). */
async function publish(gateway: RunningGateway, channel: string, ids: number[]): Promise<void> {
  const items = ids.map((id) => ({
    channel,
    id: String(id),
    'prev-id': String(id - 1),
    formats: { 'http-stream': { content: `id: ${id}\ndata: m${id}\n\n` } },
  }))
  const res = await fetch(`${gateway.url}/publish/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ items }),
  })
  expect(res.status).toBe(200)
}

const dataLines = (text: string) => [...text.matchAll(/^data: (.*)$/gm)].map((m) => m[1])

async function historyStats(gateway: RunningGateway): Promise<Record<string, number>> {
  const res = await fetch(`${gateway.url}/_gripgate/stats`, {
    headers: { authorization: `Bearer ${KEY}` },
  })
  return ((await res.json()) as { history: Record<string, number> }).history
}

describe.skipIf(skip !== undefined)(`history over Redis${skip ? ` (${skip})` : ''}`, () => {
  beforeAll(async () => {
    origin = http.createServer(handle)
    ;[redis] = await Promise.all([
      startRedis(),
      new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve)),
    ])
  })

  afterAll(async () => {
    for (const gateway of gateways) await gateway.close(1000)
    await redis?.stop()
    await new Promise<void>((resolve) => {
      origin?.close(() => resolve())
      origin?.closeAllConnections()
    })
  })

  it('resumes a subscriber on a node that started after the items were published', async () => {
    const a = await startNode()
    const first = await StreamReader.open(`${a.url}/news`)
    await first.waitForText((text) => text.includes(': open'), 'the initial body')
    await publish(a, 'news', [1, 2, 3])
    await first.waitForText((text) => dataLines(text).length === 3, 'items 1-3 on A')
    first.close()
    await publish(a, 'news', [4, 5])

    // B joins now: its hub never saw 1-5, Redis has them.
    const b = await startNode()
    const again = await StreamReader.open(`${b.url}/news`, { 'Last-Event-ID': '3' })
    await again.waitForText((text) => dataLines(text).length === 2, 'items 4-5 from Redis')
    await publish(a, 'news', [6])
    await again.waitForText((text) => dataLines(text).length === 3, 'live item 6')
    expect(dataLines(again.text)).toEqual(['m4', 'm5', 'm6'])
    again.close()
    expect(await historyStats(b)).toMatchObject({ hits: 1, misses: 0 })
    // Each item was appended once, by the node that took its publish.
    expect(await historyStats(a)).toMatchObject({ appended: 6 })
    expect(await historyStats(b)).toMatchObject({ appended: 0 })
  })

  it('writes nothing extra for an id the history does not know', async () => {
    const [a, b] = gateways as [RunningGateway, RunningGateway]
    await publish(b, 'scores', [1, 2])
    const reader = await StreamReader.open(`${a.url}/scores`, { 'Last-Event-ID': 'unknown' })
    await reader.waitForText((text) => text.includes(': open'), 'the initial body')
    await publish(b, 'scores', [3])
    await reader.waitForText((text) => dataLines(text).length === 1, 'live item 3')
    expect(dataLines(reader.text)).toEqual(['m3'])
    reader.close()
  })
})
