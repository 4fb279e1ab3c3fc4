/**
 * Broken WebSocket handshakes (RFC 6455 §4.2.1) over a raw socket (issue #12). The gateway
 * used to post the WebSocket-over-HTTP OPEN to the origin and count the connection before the
 * upgrade was validated; when `ws` then refused the upgrade, the session never opened, never
 * closed, and its slot was never released. Anyone could fill `limits.maxConnections` that way
 * (one request per slot, no credentials) and every later stream, long-poll and socket got
 * 503; the origin was left with OPENs never closed. The handshake is now checked first
 * (src/hub/ws-handshake.ts), and a client that leaves before its upgrade completes ends its
 * session (edge/node/websocket.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventually,
  type HostileSetup,
  startHostile,
  wsOpening,
} from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile()
  h.origin.on('/ws', wsOpening)
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

  it.each(BROKEN)('$name: the origin is not asked, nothing is held', async ({ raw }) => {
    const before = h.origin.hits('/ws')
    await rawExchange(h.port, raw, { idleMs: 300 })
    expect(await eventually(() => h.held() === 0, 2_000)).toBe(true)
    expect(h.origin.hits('/ws')).toBe(before)
  })

  it('a valid handshake still upgrades, and its slot comes back when it drops', async () => {
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

describe('a client that leaves while the origin answers its OPEN', () => {
  it('ends its session: the origin hears DISCONNECT, the slot comes back', async () => {
    const bodies: string[] = []
    h.origin.on('/ws-slow', (req) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => bodies.push(body))
      return {
        delayMs: 300,
        headers: {
          'content-type': 'application/websocket-events',
          'sec-websocket-extensions': 'grip',
        },
        body: 'OPEN\r\n',
      }
    })
    const before = h.held()
    // Gone after 50 ms, while the origin takes 300 ms over the OPEN.
    await rawExchange(
      h.port,
      `GET /ws-slow HTTP/1.1\r\nHost: gw\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      { maxMs: 50 }
    )
    expect(await eventually(() => bodies.includes('DISCONNECT\r\n'), 3_000)).toBe(true)
    expect(await eventually(() => h.held() === before, 3_000)).toBe(true)
  })
})
