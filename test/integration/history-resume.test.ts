/**
 * Issue #15 acceptance: an SSE client that reconnects with Last-Event-ID resumes from the
 * gateway's channel history, and with a cached instruction the origin never hears of it.
 * The gateway runs in-process on a real port; the origin is a node:http server.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleLogger } from '../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import { encodeWsEvents } from '../../src/grip/ws-events.ts'
import { StreamReader } from '../helpers/stream-clients.ts'
import { connectWs } from '../helpers/ws-client.ts'

const KEY = 'publish-secret'
const hits = new Map<string, number>()

/**
 * A WebSocket-over-HTTP origin on /ws/<channel>?last=<id>: it accepts the OPEN and subscribes
 * the socket with the gripgate `prev-id` field (GRIP.md §7.2, §7.4); later POSTs get nothing.
 */
function handleWs(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
  req.resume()
  const channel = url.pathname.slice('/ws/'.length)
  const subscribe = { type: 'subscribe', channel, 'prev-id': url.searchParams.get('last') }
  const events = encodeWsEvents([
    { type: 'OPEN' },
    { type: 'TEXT', content: new TextEncoder().encode(`c:${JSON.stringify(subscribe)}`) },
  ])
  res.writeHead(200, {
    'content-type': 'application/websocket-events',
    'sec-websocket-extensions': 'grip',
  })
  res.end(String(req.headers['content-length']) === '0' ? '' : Buffer.from(events))
}

/** A cacheable stream hold on the channel named by the path, no prev-id: the SSE pattern. */
function handle(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://origin')
  if (url.pathname.startsWith('/ws/')) {
    handleWs(req, res, url)
    return
  }
  const path = url.pathname
  hits.set(path, (hits.get(path) ?? 0) + 1)
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'public, max-age=300',
    'grip-hold': 'stream',
    'grip-channel': path.slice(1),
  })
  res.end(': open\n\n')
}

let origin: http.Server
const gateways: RunningGateway[] = []

async function gatewayWith(purgeChannels: boolean): Promise<RunningGateway> {
  const { port } = origin.address() as AddressInfo
  const config = parseConfig(
    {
      origins: { app: { url: `http://127.0.0.1:${port}` } },
      routes: [{ path: '/*', origin: 'app' }],
      grip: { key: 'grip-secret' },
      publish: { keys: [KEY], purge: { channels: purgeChannels } },
      history: { size: 100, ttlSeconds: 300 },
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

/** Publishes SSE events whose item id is the SSE `id:` (the convention docs/history.md asks). */
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

beforeAll(async () => {
  origin = http.createServer(handle)
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
})

afterAll(async () => {
  for (const gateway of gateways) await gateway.close(1000)
  await new Promise<void>((resolve) => {
    origin?.close(() => resolve())
    origin?.closeAllConnections()
  })
})

describe('SSE reconnect with Last-Event-ID', () => {
  it('gets 4, 5, 6 from history then live 7; the cached instruction spares the origin', async () => {
    const gateway = await gatewayWith(false)
    const first = await StreamReader.open(`${gateway.url}/news`)
    await first.waitForText((text) => text.includes(': open'), 'the initial body')
    await publish(gateway, 'news', [1, 2, 3])
    await first.waitForText((text) => dataLines(text).length === 3, 'items 1-3')
    first.close()
    await publish(gateway, 'news', [4, 5, 6])
    expect(hits.get('/news')).toBe(1)

    const again = await StreamReader.open(`${gateway.url}/news`, { 'Last-Event-ID': '3' })
    await again.waitForText((text) => dataLines(text).length === 3, 'items 4-6 from history')
    await publish(gateway, 'news', [7])
    await again.waitForText((text) => dataLines(text).length === 4, 'live item 7')
    expect(dataLines(again.text)).toEqual(['m4', 'm5', 'm6', 'm7'])
    expect(again.response.headers.get('x-cache')).toBe('HIT')
    expect(hits.get('/news')).toBe(1)
    again.close()
  })

  it('resumes from the lastEventId query parameter, and after a purge that refetched the instruction', async () => {
    const gateway = await gatewayWith(true)
    await fetch(`${gateway.url}/scores`).then((res) => res.body?.cancel())
    await publish(gateway, 'scores', [1, 2, 3])
    const again = await StreamReader.open(`${gateway.url}/scores?lastEventId=1`)
    await again.waitForText((text) => dataLines(text).length === 2, 'items 2-3 from history')
    expect(dataLines(again.text)).toEqual(['m2', 'm3'])
    // The publish purged the instruction (publish.purge.channels): one more origin request.
    expect(hits.get('/scores')).toBe(2)
    again.close()
  })
})

describe('WebSocket subscribe with prev-id', () => {
  it('sends the items after prev-id from history, then live ones', async () => {
    const gateway = await gatewayWith(false)
    const ws = (id: number) => ({
      channel: 'room',
      id: String(id),
      formats: { 'ws-message': { content: `m${id}` } },
    })
    const res = await fetch(`${gateway.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [1, 2, 3].map(ws) }),
    })
    expect(res.status).toBe(200)
    const client = await connectWs(`${gateway.url.replace(/^http/, 'ws')}/ws/room?last=1`)
    expect(await client.next()).toEqual({ data: 'm2', binary: false })
    expect(await client.next()).toEqual({ data: 'm3', binary: false })
    await fetch(`${gateway.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [ws(4)] }),
    })
    expect(await client.next()).toEqual({ data: 'm4', binary: false })
    client.ws.terminate()
  })
})
