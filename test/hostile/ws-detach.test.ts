/**
 * A `detach` in the origin's OPEN answer (found by the WebSocket fuzz, issue #12). The session
 * queues the CLOSE that tells the origin the client is gone, but nothing sends it while the
 * socket is quiet: when the client then closes, the session waits for that queue forever and
 * its connection slot was never released (`limits.maxConnections` leaked one per socket).
 * `onOpen` now sends what the OPEN answer queued.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleLogger } from '../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import { encodeWsEvents } from '../../src/grip/ws-events.ts'
import type { EmbeddedFanout } from '../../src/hub/embedded-fanout.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { connectWs, until } from '../helpers/ws-client.ts'

let origin: FixtureOrigin
let gateway: RunningGateway

beforeAll(async () => {
  origin = await startFixtureOrigin()
  const detach = new TextEncoder().encode('c:{"type":"detach"}')
  origin.on('/ws', (req) => {
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
  const config = parseConfig(
    {
      origins: { app: { url: origin.url } },
      routes: [{ path: '/*', origin: 'app', cache: false }],
    },
    {}
  )
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  gateway = await startGateway({
    config: config.value,
    port: 0,
    host: '127.0.0.1',
    logger: consoleLogger('error'),
  })
})

afterAll(async () => {
  await gateway?.close(1_000)
  await origin?.close()
})

describe('an OPEN answer that detaches at once', () => {
  it('releases the connection when the client closes', async () => {
    const hub = (gateway.gateway.tier as EmbeddedFanout).hub
    const client = await connectWs(`${gateway.url.replace(/^http/, 'ws')}/ws`)
    await until(() => hub.connections.websocket === 1, 5_000, 'the socket to be counted')
    client.ws.close(1000)
    await client.waitClose()
    await until(() => hub.connections.websocket === 0, 5_000, 'the slot to be released')
    expect(hub.connections.websocket).toBe(0)
  })
})
