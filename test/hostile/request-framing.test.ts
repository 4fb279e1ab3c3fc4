/**
 * Issue #12, item 10: requests whose target or framing is ambiguous are refused with 400 and
 * reach no origin. Two `Host` fields were accepted (node:http keeps the first, an origin or a
 * cache may use the other; RFC 9112 §3.2 asks for 400). Differing `Content-Length` fields and
 * `Content-Length` with `Transfer-Encoding` are refused by node:http's parser; these tests
 * hold that in place.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile()
  h.origin.on('/page', {
    headers: { 'cache-control': 'public, max-age=60', 'content-type': 'text/plain' },
    body: 'page',
  })
  h.origin.on('/after', { body: 'after' })
})

afterAll(() => h?.close())

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`

/** Sends `attack` followed by an innocent request on the same connection. */
async function refused(attack: string) {
  const before = h.origin.requests.length
  const exchange = await rawExchange(
    h.port,
    attack + head(['GET /after HTTP/1.1', 'Host: gw.test']),
    { idleMs: 500 }
  )
  return { exchange, seen: h.origin.requests.slice(before) }
}

/** The JSON body of the one answer in `text`. */
function problemOf(text: string): unknown {
  return JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))
}

describe('ambiguous requests', () => {
  it('answers two Host fields with a 400 problem and closes the connection', async () => {
    const { exchange, seen } = await refused(
      head(['GET /page HTTP/1.1', 'Host: gw.test', 'Host: evil.example'])
    )
    expect(statusCodes(exchange.text)).toEqual([400])
    expect(exchange.text.toLowerCase()).toContain('content-type: application/problem+json')
    expect(exchange.text.toLowerCase()).toContain('connection: close')
    expect(exchange.text).toContain('"code":"BAD_REQUEST"')
    expect(exchange.closed).toBe(true)
    expect(seen).toEqual([])
  })

  it('refuses two Host fields even when a cached answer exists (quick hits come after)', async () => {
    await fetch(`${h.url}/page`, { headers: { host: 'gw.test' } }).then((r) => r.text())
    await fetch(`${h.url}/page`, { headers: { host: 'gw.test' } }).then((r) => r.text())
    const { exchange, seen } = await refused(
      head(['GET /page HTTP/1.1', 'Host: gw.test', 'Host: gw.test'])
    )
    expect(statusCodes(exchange.text)).toEqual([400])
    expect(seen).toEqual([])
  })

  it('refuses two Host fields on a WebSocket upgrade', async () => {
    const { exchange, seen } = await refused(
      head([
        'GET /ws HTTP/1.1',
        'Host: gw.test',
        'Host: evil.example',
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ])
    )
    expect(statusCodes(exchange.text)).toEqual([400])
    expect(seen).toEqual([])
  })

  it.each([
    [
      'differing Content-Length fields',
      ['POST /page HTTP/1.1', 'Host: gw.test', 'Content-Length: 5', 'Content-Length: 6'],
      'hello!',
    ],
    [
      'Content-Length with Transfer-Encoding',
      ['POST /page HTTP/1.1', 'Host: gw.test', 'Content-Length: 5', 'Transfer-Encoding: chunked'],
      '0\r\n\r\n',
    ],
    [
      'a Transfer-Encoding other than chunked last',
      ['POST /page HTTP/1.1', 'Host: gw.test', 'Transfer-Encoding: chunked, identity'],
      '0\r\n\r\n',
    ],
  ])(
    'answers %s with a 400 problem and sends nothing to the origin',
    async (_name, lines, body) => {
      const { exchange, seen } = await refused(head(lines) + body)
      expect(statusCodes(exchange.text)).toEqual([400])
      expect(exchange.text).toMatch(/content-type: application\/problem\+json/i)
      expect(problemOf(exchange.text)).toMatchObject({ status: 400, code: 'BAD_REQUEST' })
      expect(exchange.closed).toBe(true)
      expect(seen).toEqual([])
    }
  )

  it('answers a request head over 16 KiB with a 431 problem', async () => {
    const { exchange, seen } = await refused(
      head(['GET /page HTTP/1.1', 'Host: gw.test', `X-Big: ${'a'.repeat(20_000)}`])
    )
    expect(statusCodes(exchange.text)).toEqual([431])
    expect(problemOf(exchange.text)).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' })
    expect(seen).toEqual([])
  })

  it('answers bytes that are not HTTP with a 400 problem', async () => {
    const { exchange, seen } = await refused('\u0000\u0001 nonsense\r\n\r\n')
    expect(statusCodes(exchange.text)).toEqual([400])
    expect(problemOf(exchange.text)).toMatchObject({ status: 400, code: 'BAD_REQUEST' })
    expect(seen).toEqual([])
  })
})
