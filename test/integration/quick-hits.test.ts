/**
 * Node's front door for cache hits (edge/node/quick-hits.ts): it answers exactly the
 * quick hits, with the gateway's answer, and passes everything else on.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serveQuickHit } from '../../edge/node/quick-hits.ts'
import { forwarderFor } from '../../src/proxy/forward.ts'
import { FakeClock } from '../fakes/fake-clock.ts'
import { MemoryOrigin } from '../fakes/memory-origin.ts'
import { memoryPullCache } from '../fakes/memory-pull-cache.ts'
import { httpRequest } from '../helpers/http-get.ts'

/** The status the test server answers with when the front door declines. */
const PASSED_ON = 599

const clock = new FakeClock()
const origin = new MemoryOrigin((request) =>
  new URL(request.url).pathname === '/grip'
    ? new Response(': open\n\n', {
        headers: {
          'cache-control': 'max-age=60',
          'content-type': 'text/event-stream',
          'grip-hold': 'stream',
          'grip-channel': 'c',
        },
      })
    : new Response('{"n":1}', {
        headers: {
          'cache-control': 'max-age=60',
          'content-type': 'application/json',
          'surrogate-key': 'k',
          etag: '"e"',
        },
      })
)
const cache = memoryPullCache(clock)
const server = http.createServer((incoming, outgoing) => {
  const passOn = (served: boolean) => {
    if (served) return
    outgoing.writeHead(PASSED_ON)
    outgoing.end()
  }
  const served = serveQuickHit(cache, incoming, outgoing)
  if (typeof served === 'boolean') passOn(served)
  else served.then(passOn)
})
let base = ''

/** The gateway's own answer (the full path), through the same cache. */
async function viaGateway(path: string) {
  const request = new Request(`http://127.0.0.1:${new URL(base).port}${path}`)
  const config = { url: 'http://origin.test', timeoutMs: 1000 }
  const response = await cache.handle(request, 'origin', forwarderFor(origin, config, request))
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.text(),
  }
}

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await viaGateway('/a?x=1') // MISS: stored
  await viaGateway('/a?x=1') // full-path HIT: the quick answer is prepared
})

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('front door for quick hits', () => {
  it('answers a plain GET exactly as the gateway does', async () => {
    clock.advance(2_000)
    const gateway = await viaGateway('/a?x=1')
    const front = await httpRequest(`${base}/a?x=1`)
    expect(front.status).toBe(200)
    expect(front.body).toBe(gateway.body)
    for (const [name, value] of Object.entries(gateway.headers))
      expect(front.headers[name]).toBe(value)
    expect(front.headers.age).toBe('2')
    expect(front.headers['content-length']).toBe(String(front.body.length))
    expect(front.headers['transfer-encoding']).toBeUndefined()
    expect(front.headers['surrogate-key']).toBeUndefined()
    expect(origin.requests).toHaveLength(1)
  })

  // Issue #12 item 13: a client's own directives do not pass the edge by default.
  it.each<Record<string, string>>([{ 'cache-control': 'no-cache' }, { pragma: 'no-cache' }])(
    'answers a GET with %j as a hit',
    async (headers) => {
      const front = await httpRequest(`${base}/a?x=1`, { headers })
      expect(front.status).toBe(200)
      expect(front.headers['x-cache']).toBe('HIT')
      expect(origin.requests).toHaveLength(1)
    }
  )

  it.each([
    ['a HEAD', { method: 'HEAD' }],
    ['a precondition', { headers: { 'if-none-match': '"e"' } }],
    ['a range', { headers: { range: 'bytes=0-1' } }],
    ['an upgrade', { headers: { upgrade: 'websocket', connection: 'upgrade' } }],
    ['another path', {}, '/b'],
    ['another query', {}, '/a?x=2'],
  ])('passes on %s', async (_name, options: Parameters<typeof httpRequest>[1], path = '/a?x=1') => {
    expect((await httpRequest(`${base}${path}`, options)).status).toBe(PASSED_ON)
  })

  it.each([
    [
      'an absolute-form target',
      `GET ${'http://127.0.0.1'}/a?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    ],
    ['no Host', 'GET /a?x=1 HTTP/1.0\r\n\r\n'],
    ['an odd Host', 'GET /a?x=1 HTTP/1.1\r\nHost: a_b@127.0.0.1\r\n\r\n'],
    ['a backslash URL parsing would rewrite', 'GET /a\\?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    ['a dot segment', 'GET /b/../a?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'],
    [
      'a repeated field',
      'GET /a?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a\r\nUser-Agent: b\r\n\r\n',
    ],
  ])('passes on %s', async (_name, raw) => {
    const { port } = new URL(base)
    const head = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(raw))
      socket.setEncoding('latin1')
      socket.once('data', (chunk: string) => {
        resolve(chunk.split('\r\n')[0] ?? '')
        socket.destroy()
      })
      socket.on('error', reject)
    })
    expect(head).toMatch(new RegExp(`^HTTP/1\\.1 ${PASSED_ON}`))
  })

  it('passes on a stored GRIP instruction, then its target without a lookup', async () => {
    await viaGateway('/grip')
    await viaGateway('/grip')
    const lookups = vi.spyOn(cache, 'quickLookup')
    expect((await httpRequest(`${base}/grip`)).status).toBe(PASSED_ON)
    expect(lookups).toHaveBeenCalledTimes(1)
    expect((await httpRequest(`${base}/grip`)).status).toBe(PASSED_ON)
    expect((await httpRequest(`${base}/grip?other`)).status).toBe(PASSED_ON)
    // The second /grip was known; the other query was looked up (nothing stored there).
    expect(lookups).toHaveBeenCalledTimes(2)
    lookups.mockRestore()
  })

  it('passes on once the entry is stale or purged', async () => {
    clock.advance(60_000)
    expect((await httpRequest(`${base}/a?x=1`)).status).toBe(PASSED_ON)
    await viaGateway('/a?x=1')
    await viaGateway('/a?x=1')
    expect((await httpRequest(`${base}/a?x=1`)).status).toBe(200)
    await cache.purge(['k'], false)
    expect((await httpRequest(`${base}/a?x=1`)).status).toBe(PASSED_ON)
  })
})
