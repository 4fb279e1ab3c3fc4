/**
 * Issue #12, item 1: request framing the gateway does not honour must never reach the origin.
 * A GET whose body was dropped but whose `Content-Length` was forwarded made the origin read
 * the start of the next request on the pooled connection as that body, and the rest as a
 * request no client sent, whose answer could be stored under another client's URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeOrigin } from '../../edge/node/origin.ts'
import { OriginUnreachableError } from '../../src/platform.ts'
import { eventually, type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup

/** Bodies the origin received, by path. */
const bodies = new Map<string, string>()

beforeAll(async () => {
  h = await startHostile()
  const cacheable = { 'cache-control': 'public, max-age=60', 'content-type': 'text/plain' }
  h.origin.on('/a', { body: 'answer for /a' })
  h.origin.on('/cached/victim', { headers: cacheable, body: 'the real victim page' })
  h.origin.on('/poison', { headers: cacheable, body: 'ATTACKER CONTENT' })
  h.origin.on('/chunked', { body: 'answer for /chunked' })
  h.origin.on('/hop', { body: 'hop' })
  h.origin.on('/post', (req) => {
    let text = ''
    req.setEncoding('latin1')
    req.on('data', (chunk: string) => (text += chunk))
    req.on('end', () => bodies.set('/post', text))
    return { body: 'posted' }
  })
})

afterAll(() => h?.close())

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`

describe('request framing towards the origin', () => {
  it('drops a GET body together with its Content-Length, so no request is smuggled', async () => {
    const smuggled = head(['GET /poison HTTP/1.1', 'Host: gw.test'])
    const attack =
      head(['GET /a HTTP/1.1', 'Host: gw.test', `Content-Length: ${smuggled.length}`]) +
      smuggled +
      head(['GET /cached/victim HTTP/1.1', 'Host: gw.test'])
    const before = h.origin.requests.length
    const exchange = await rawExchange(h.port, attack, {
      until: (text) => statusCodes(text).length >= 2 && text.includes('the real victim page'),
    })
    expect(statusCodes(exchange.text)).toEqual([200, 200])
    expect(exchange.text).toContain('answer for /a')
    const seen = h.origin.requests.slice(before)
    // Exactly the two requests the client sent, and the first announces no body.
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /a', 'GET /cached/victim'])
    expect(seen[0]?.headers['content-length']).toBeUndefined()
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined()
    expect(h.origin.hits('/poison')).toBe(0)

    // A victim on another connection gets the real page, from the cache.
    const victim = await fetch(`${h.url}/cached/victim`, { headers: { host: 'gw.test' } })
    expect(await victim.text()).toBe('the real victim page')
    expect(h.origin.hits('/poison')).toBe(0)
  })

  it('drops a chunked GET body and its Transfer-Encoding', async () => {
    const before = h.origin.requests.length
    const attack =
      head(['GET /chunked HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked']) +
      '5\r\nhello\r\n0\r\n\r\n' +
      head(['GET /a HTTP/1.1', 'Host: gw.test'])
    const exchange = await rawExchange(h.port, attack, {
      until: (text) => statusCodes(text).length >= 2 && text.includes('answer for /a'),
    })
    expect(statusCodes(exchange.text)).toEqual([200, 200])
    const seen = h.origin.requests.slice(before)
    expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /chunked', 'GET /a'])
    expect(seen[0]?.headers['content-length']).toBeUndefined()
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined()
  })

  it('forwards a POST body whole, framed by its own length', async () => {
    const body = 'x'.repeat(1000)
    const before = h.origin.requests.length
    const exchange = await rawExchange(
      h.port,
      head(['POST /post HTTP/1.1', 'Host: gw.test', `Content-Length: ${body.length}`]) + body,
      { until: (text) => text.includes('posted') }
    )
    expect(statusCodes(exchange.text)).toEqual([200])
    await eventually(() => bodies.has('/post'))
    expect(bodies.get('/post')).toBe(body)
    const seen = h.origin.requests.slice(before)
    expect(seen).toHaveLength(1)
    expect(seen[0]?.headers['content-length']).toBe(String(body.length))
    expect(seen[0]?.headers['transfer-encoding']).toBeUndefined()
  })

  it('never forwards hop-by-hop fields or the fields Connection names (RFC 9110 §7.6.1)', async () => {
    const before = h.origin.requests.length
    const exchange = await rawExchange(
      h.port,
      head([
        'GET /hop HTTP/1.1',
        'Host: gw.test',
        'Connection: keep-alive, X-Secret',
        'X-Secret: for the next hop only',
        'Keep-Alive: timeout=5',
        'TE: trailers',
        'Trailer: X-Checksum',
        'Upgrade: h2c',
        'Proxy: http://evil.test:8080',
        'Proxy-Authorization: Basic Zm9vOmJhcg==',
        'Proxy-Connection: keep-alive',
        'Proxy-Custom: anything',
        'X-Kept: yes',
      ]),
      { until: (text) => text.includes('hop') && statusCodes(text).length === 1 }
    )
    expect(statusCodes(exchange.text)).toEqual([200])
    const seen = h.origin.requests.slice(before)
    expect(seen).toHaveLength(1)
    const names = Object.keys(seen[0]?.headers ?? {})
    for (const name of [
      'x-secret',
      'keep-alive',
      'te',
      'trailer',
      'upgrade',
      'proxy',
      'proxy-authorization',
      'proxy-connection',
      'proxy-custom',
      'transfer-encoding',
    ])
      expect(names).not.toContain(name)
    expect(seen[0]?.headers['x-kept']).toBe('yes')
  })
})

describe('NodeOrigin frames only what it sends', () => {
  it('never sends more body than the Content-Length it announces', async () => {
    const node = new NodeOrigin()
    const before = h.origin.requests.length
    try {
      const smuggled = 'GET /poison HTTP/1.1\r\nHost: gw.test\r\n\r\n'
      const request = new Request(`${h.origin.url}/post`, {
        method: 'POST',
        headers: { 'content-length': '2' },
        body: `{}${smuggled}`,
      })
      const failure = await node.fetch(request, { url: h.origin.url, timeoutMs: 2_000 }).then(
        (response) => response.text(),
        (error: unknown) => error
      )
      expect(failure).toBeInstanceOf(OriginUnreachableError)
      // A request on a fresh connection: had the extra bytes gone out, the origin would
      // have parsed them as a request before this one.
      const probe = await node.fetch(new Request(`${h.origin.url}/a`), {
        url: h.origin.url,
        timeoutMs: 2_000,
      })
      expect(await probe.text()).toBe('answer for /a')
      expect(h.origin.requests.slice(before).map((r) => r.path)).not.toContain('/poison')
    } finally {
      node.close()
    }
  })

  it('drops a Content-Length that comes without a body', async () => {
    const node = new NodeOrigin()
    try {
      const request = new Request(`${h.origin.url}/a`, { headers: { 'content-length': '39' } })
      const response = await node.fetch(request, { url: h.origin.url, timeoutMs: 2_000 })
      expect(await response.text()).toBe('answer for /a')
      expect(h.origin.requests.at(-1)?.headers['content-length']).toBeUndefined()
    } finally {
      node.close()
    }
  })
})
