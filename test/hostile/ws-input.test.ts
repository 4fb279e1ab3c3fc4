/**
 * What one WebSocket client can make the Node gateway hold (issue #12, items 3 and 14): a
 * message over `limits.wsMessageBytes` (whole or in fragments) closes with 1009; input queued
 * while a WebSocket-over-HTTP request is in flight is bounded by `limits.wsQueueBytes` (1008);
 * a burst of pings is answered, one pong each (RFC 6455 §5.5.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { connectWs, until, type WsClient } from '../helpers/ws-client.ts'

const EVENTS = 'application/websocket-events'
const KIB = 1024
const MIB = 1024 * KIB

describe('WebSocket input limits on Node', () => {
  let origin: FixtureOrigin
  let gateway: RunningGateway
  const logger = new CaptureLogger()
  const clients: WsClient[] = []

  /** Accepts the OPEN; later requests are answered after `laterDelayMs`, with no events. */
  const script = (path: string, laterDelayMs = 0) =>
    origin.on(path, (_req, n) =>
      n === 1
        ? { headers: { 'content-type': EVENTS }, body: 'OPEN\r\n' }
        : { headers: { 'content-type': EVENTS }, body: '', delayMs: laterDelayMs }
    )
  const connect = async (path: string) => {
    const client = await connectWs(`${gateway.url.replace(/^http/, 'ws')}${path}`)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    origin = await startFixtureOrigin()
    const config = parseConfig(
      {
        origins: { app: { url: origin.url, timeoutMs: 10_000 } },
        routes: [{ path: '/*', origin: 'app', cache: false }],
        grip: { key: 'ws-input-key' },
      },
      {}
    )
    if (!config.ok) throw new Error(JSON.stringify(config.error))
    gateway = await startGateway({ config: config.value, port: 0, host: '127.0.0.1', logger })
  })
  afterAll(async () => {
    for (const client of clients) client.ws.terminate()
    await gateway?.close(200)
    await origin?.close()
  })

  it('closes with 1009 on a message over wsMessageBytes (1 MiB by default)', async () => {
    script('/ws/big')
    const client = await connect('/ws/big')
    client.ws.send(new Uint8Array(MIB + 1))
    expect((await client.waitClose(5000)).code).toBe(1009)
  })

  it('counts a fragmented message whole: 1009 once the fragments pass the limit', async () => {
    script('/ws/fragments')
    const client = await connect('/ws/fragments')
    const fragment = new Uint8Array(256 * KIB)
    for (let i = 0; i < 5; i++) client.ws.send(fragment, { fin: false })
    expect((await client.waitClose(5000)).code).toBe(1009)
  })

  it('takes a message of exactly the limit', async () => {
    script('/ws/exact')
    const client = await connect('/ws/exact')
    client.ws.send(new Uint8Array(MIB))
    await until(() => origin.hits('/ws/exact') === 2, 5000, 'the message reaching the origin')
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('closes with 1008 once input queued behind a slow origin passes wsQueueBytes', async () => {
    script('/ws/slow', 4000)
    const client = await connect('/ws/slow')
    client.ws.send('first') // goes out at once; the origin sits on it
    await until(() => origin.hits('/ws/slow') === 2, 5000, 'the first request in flight')
    const chunk = new Uint8Array(100 * KIB)
    for (let i = 0; i < 12; i++) client.ws.send(chunk)
    const close = await client.waitClose(5000)
    expect(close.code).toBe(1008)
    expect(logger.messages('warn')).toContain('websocket input over the queue limit; closing')
  })

  it('answers a burst of 500 pings with 500 pongs', async () => {
    script('/ws/pings')
    const client = await connect('/ws/pings')
    let pongs = 0
    client.ws.on('pong', () => pongs++)
    for (let i = 0; i < 500; i++) client.ws.ping(String(i))
    await until(() => pongs === 500 || client.ws.readyState !== WebSocket.OPEN, 5000, 'pongs')
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
    expect(pongs).toBe(500)
  })
})
