/**
 * A `detach` in the origin's OPEN answer (found by the WebSocket fuzz, issue #12). The session
 * queues the CLOSE that tells the origin the client is gone, but nothing sends it while the
 * socket is quiet: when the client then closes, the session waits for that queue forever and
 * its connection slot was never released (`limits.maxConnections` leaked one per socket).
 * `onOpen` now sends what the OPEN answer queued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeWsEvents } from '../../src/grip/ws-events.ts'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { connectWs, until } from '../helpers/ws-client.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile({}, [], { cache: false })
  const detach = new TextEncoder().encode('c:{"type":"detach"}')
  h.origin.on('/ws', (req) => {
    const opening = req.headers['content-length'] === '6' // "OPEN\r\n"
    return {
      headers: {
        'content-type': 'application/websocket-events',
        'sec-websocket-extensions': 'grip',
      },
      body: opening
        ? Buffer.from(
            encodeWsEvents([{ type: 'OPEN' }, { type: 'TEXT', content: detach }])
          ).toString('latin1')
        : '',
    }
  })
})

afterAll(() => h?.close())

describe('an OPEN answer that detaches at once', () => {
  it('releases the connection when the client closes', async () => {
    const client = await connectWs(`${h.url.replace(/^http/, 'ws')}/ws`)
    await until(() => h.hub.connections.websocket === 1, 5_000, 'the socket to be counted')
    client.ws.close(1000)
    await client.waitClose()
    await until(() => h.hub.connections.websocket === 0, 5_000, 'the slot to be released')
    expect(h.hub.connections.websocket).toBe(0)
  })
})
