/**
 * Upgrade requests that are not WebSockets (issue #12, item 2). Node's http server hands every
 * request with an `Upgrade` field to its 'upgrade' listeners once there is one, and
 * @hono/node-server 2 installs one for WebSockets that returns early for anything else: an
 * `h2c` upgrade was neither answered nor released. It must get the ordinary answer (the upgrade
 * ignored, RFC 9110 §7.8) and its socket must go away with the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'
import { until } from '../helpers/ws-client.ts'

const H2C =
  'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n' +
  'HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n'

describe('a non-WebSocket Upgrade on Node', () => {
  let h: HostileSetup

  beforeAll(async () => {
    h = await startHostile({}, [], { cache: false })
    h.origin.on('/', { headers: { 'content-type': 'text/plain' }, body: 'plain answer' })
    h.origin.on('/echo', (req) => ({
      headers: { 'content-type': 'text/plain' },
      body: `upgrade=${req.headers.upgrade ?? '-'} length=${req.headers['content-length'] ?? '-'}`,
    }))
  })
  afterAll(() => h?.close())

  it('answers an h2c upgrade as the ordinary request it also is', async () => {
    const got = await rawExchange(h.port, H2C, {
      until: (text) => text.includes('plain answer'),
      maxMs: 3000,
    })
    expect(got.timedOut).toBe(false)
    expect(statusCodes(got.text)).toEqual([200])
    expect(got.text).toContain('plain answer')
  })

  it('reads the body of an upgrade request with one, and keeps the connection for the next', async () => {
    const post =
      'POST /echo HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo/2\r\n' +
      'Content-Length: 5\r\n\r\nhello'
    const plain = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'
    const got = await rawExchange(h.port, [post, plain], {
      until: (text) => text.includes('plain answer'),
      maxMs: 3000,
    })
    expect(got.timedOut).toBe(false)
    expect(statusCodes(got.text)).toEqual([200, 200])
    // The hop-by-hop Upgrade never reaches the origin; the body does.
    expect(got.text).toContain('upgrade=- length=5')
  })

  it('keeps no socket once the clients of many such upgrades left', async () => {
    const exchanges = Array.from({ length: 40 }, () =>
      rawExchange(h.port, H2C, { until: (text) => text.includes('plain answer'), maxMs: 3000 })
    )
    for (const got of await Promise.all(exchanges)) expect(statusCodes(got.text)).toEqual([200])
    // Every client destroyed its socket: the server's side must be released too.
    await until(() => h.gateway.connections() === 0, 3000, 'every upgraded socket released')
  })

  it('keeps no socket for an h2c upgrade whose client leaves before the answer', async () => {
    h.origin.on('/slow', { delayMs: 300, body: 'late' })
    const slow = H2C.replace('GET / ', 'GET /slow ')
    await rawExchange(h.port, slow, { maxMs: 50 })
    await until(() => h.gateway.connections() === 0, 3000, 'the abandoned socket released')
  })
})
