/**
 * Issue #12, item 8: an origin that sends its response head and then stalls must not hold the
 * client forever. After `origins.<name>.idleTimeoutMs` of silence the client's response is
 * aborted (never ended as if complete: a chunked body gets no last chunk, the connection is
 * reset) and nothing is cached. GRIP holds and WebSocket-over-HTTP, whose origin answers are
 * short and complete, outlive the idle timeout.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWsOrigin, type WsOrigin } from '../../fixtures/ws-origin/origin.ts'
import { type HostileGateway, startHostileGateway } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'
import { connectWs, type WsClient } from '../helpers/ws-client.ts'

const IDLE_MS = 200
const GRIP_KEY = 'idle-test-grip-key'
const PUBLISH_KEY = 'idle-test-publish-key'
const cacheable = { 'cache-control': 'public, max-age=60', 'content-type': 'text/plain' }
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** An origin that stalls on some paths; it counts hits per path. */
const hits = new Map<string, number>()
const stalled = new Set<http.ServerResponse>()
const origin = http.createServer((req, res) => {
  const path = req.url ?? '/'
  hits.set(path, (hits.get(path) ?? 0) + 1)
  req.resume()
  if (path === '/stall/chunked') {
    res.writeHead(200, cacheable)
    res.write('partial ')
    stalled.add(res)
  } else if (path === '/stall/sized') {
    res.writeHead(200, { ...cacheable, 'content-length': '100' })
    res.write('partial ')
    stalled.add(res)
  } else if (path === '/stall/grip') {
    res.writeHead(200, {
      'grip-hold': 'stream',
      'grip-channel': 'never',
      'content-type': 'text/event-stream',
    })
    res.write(': start\n\n')
    stalled.add(res)
  } else if (path === '/grip/stream') {
    res.writeHead(200, {
      'grip-hold': 'stream',
      'grip-channel': 'idle-news',
      'content-type': 'text/event-stream',
    })
    res.end(': ready\n\n')
  } else {
    res.writeHead(404)
    res.end()
  }
})

let wsOrigin: WsOrigin
let gateway: HostileGateway
const clients: WsClient[] = []

beforeAll(async () => {
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`
  wsOrigin = await startWsOrigin({ key: GRIP_KEY })
  gateway = await startHostileGateway({
    origins: {
      app: { url, idleTimeoutMs: IDLE_MS },
      ws: { url: wsOrigin.url, idleTimeoutMs: IDLE_MS },
    },
    routes: [
      { path: '/ws/*', origin: 'ws', cache: false },
      { path: '/*', origin: 'app' },
    ],
    grip: { key: GRIP_KEY },
    publish: { keys: [PUBLISH_KEY] },
  })
})

afterAll(async () => {
  for (const client of clients) client.ws.terminate()
  await gateway.close()
  for (const res of stalled) res.destroy()
  origin.closeAllConnections()
  await new Promise<void>((resolve) => origin.close(() => resolve()))
  await wsOrigin.close()
})

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: gw.test\r\n\r\n`

describe('an origin that stalls mid-body', () => {
  it('aborts a chunked response (no last chunk, connection reset) and caches nothing', async () => {
    const first = await rawExchange(gateway.port, get('/stall/chunked'), { idleMs: 2_000 })
    expect(statusCodes(first.text)).toEqual([200])
    expect(first.text).toContain('partial ')
    expect(first.closed).toBe(true)
    expect(first.text).not.toMatch(/\r\n0\r\n\r\n$/)

    const second = await rawExchange(gateway.port, get('/stall/chunked'), { idleMs: 2_000 })
    expect(second.closed).toBe(true)
    expect(second.text.toLowerCase()).toContain('x-cache: miss')
    expect(hits.get('/stall/chunked')).toBe(2)
    const logged = gateway.logger.records.filter((r) => r.msg === 'origin stalled mid-body')
    expect(logged[0]).toMatchObject({ level: 'warn', fields: { origin: 'app' } })
  })

  it('aborts a sized response before its length: the client sees a short body', async () => {
    const exchange = await rawExchange(gateway.port, get('/stall/sized'), { idleMs: 2_000 })
    expect(exchange.closed).toBe(true)
    const body = exchange.text.slice(exchange.text.indexOf('\r\n\r\n') + 4)
    expect(body).toBe('partial ')
    const again = await rawExchange(gateway.port, get('/stall/sized'), { idleMs: 2_000 })
    expect(again.text.toLowerCase()).toContain('x-cache: miss')
  })

  it('answers 504 when a GRIP instruction body stalls', async () => {
    const response = await fetch(`${gateway.url}/stall/grip`, {
      signal: AbortSignal.timeout(5_000),
    })
    expect(response.status).toBe(504)
    const problem = (await response.json()) as Record<string, unknown>
    expect(problem).toMatchObject({
      code: 'ORIGIN_TIMEOUT',
      detail: 'origin "app" did not answer in time',
    })
  })
})

describe('held connections outlive the idle timeout', () => {
  it('a GRIP stream hold keeps delivering after more than idleTimeoutMs of silence', async () => {
    const controller = new AbortController()
    const response = await fetch(`${gateway.url}/grip/stream`, { signal: controller.signal })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let text = decoder.decode((await reader.read()).value)
    expect(text).toContain(': ready')
    await sleep(IDLE_MS * 3)
    const published = await fetch(`${gateway.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PUBLISH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [
          { channel: 'idle-news', formats: { 'http-stream': { content: 'data: late\n\n' } } },
        ],
      }),
    })
    expect(published.status).toBe(200)
    while (!text.includes('data: late')) {
      const next = await reader.read()
      if (next.done) break
      text += decoder.decode(next.value)
    }
    expect(text).toContain('data: late')
    controller.abort()
  })

  it('a WebSocket-over-HTTP session keeps working after more than idleTimeoutMs of silence', async () => {
    const client = await connectWs(`${gateway.url.replace(/^http/, 'ws')}/ws/idle-room`)
    clients.push(client)
    expect(await client.next()).toEqual({ data: 'welcome', binary: false })
    await sleep(IDLE_MS * 3)
    client.ws.send('still here')
    expect(await client.next()).toEqual({ data: 'echo:still here', binary: false })
  })
})
