/**
 * Broken WebSocket handshakes (RFC 6455 §4.2.1) over a raw socket (issue #12). The client
 * is refused, but the gateway posts the WebSocket-over-HTTP OPEN to the origin and counts
 * the connection before the upgrade is validated; when `ws` then refuses the upgrade, the
 * session never opens, never closes, and its slot is never released. Anyone can fill
 * `limits.maxConnections` that way (one request per slot, no credentials) and every later
 * stream, long-poll and socket gets 503; the origin is left with OPENs never closed.
 *
 * The leak tests are skipped: the fix belongs in src/proxy/ws-proxy.ts (check Upgrade,
 * Connection, Sec-WebSocket-Key and -Version before the OPEN; 426 with
 * `Sec-WebSocket-Version: 13` for another version) and edge/node/websocket.ts (an upgrade
 * that does not complete must end the session: `handler.onClose(undefined, '', false)`).
 * Un-skip them with that fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile()
  h.origin.on('/ws', (req) => ({
    headers: {
      'content-type': 'application/websocket-events',
      'sec-websocket-extensions': 'grip',
    },
    body: req.headers['content-length'] === '6' ? 'OPEN\r\n' : '',
  }))
})

afterAll(() => h?.close())

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const upgrade = (fields: string, method = 'GET') =>
  `${method} /ws HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\n${fields}\r\n`

const BROKEN = [
  {
    name: 'no Sec-WebSocket-Key',
    raw: upgrade('Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n'),
  },
  {
    name: 'a key that is not 16 bytes of base64',
    raw: upgrade(
      'Connection: Upgrade\r\nSec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n'
    ),
  },
  {
    name: 'version 12',
    raw: upgrade(
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 12\r\n`
    ),
  },
  {
    name: 'no Connection: Upgrade',
    raw: upgrade(`Sec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n`),
  },
]

describe('a broken WebSocket handshake', () => {
  it.each(BROKEN)('$name: no 101, no 5xx', async ({ raw }) => {
    const result = await rawExchange(h.port, raw, { idleMs: 300 })
    const codes = statusCodes(result.text)
    expect(codes).toHaveLength(1)
    expect(codes[0]).not.toBe(101)
    expect(codes[0]).toBeLessThan(500)
  })

  it.skip.each(BROKEN)('$name: the origin is not asked, nothing is held', async ({ raw }) => {
    const before = h.origin.hits('/ws')
    await rawExchange(h.port, raw, { idleMs: 300 })
    expect(await eventually(() => h.held() === 0, 2_000)).toBe(true)
    expect(h.origin.hits('/ws')).toBe(before)
  })

  it('a valid handshake still upgrades, and its slot comes back when it drops', async () => {
    // Measured from here: the broken handshakes above leak (see the skipped tests).
    const before = h.held()
    const result = await rawExchange(
      h.port,
      upgrade(`Connection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n`),
      { until: (text) => text.includes('\r\n\r\n') }
    )
    expect(statusCodes(result.text)).toEqual([101])
    expect(await eventually(() => h.held() === before, 2_000)).toBe(true)
  })
})
