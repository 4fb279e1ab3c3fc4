/**
 * What one WebSocket client can make the Node gateway hold (issue #12, items 3 and 14): a
 * message over `limits.wsMessageBytes` (whole or in fragments) closes with 1009; input queued
 * while a WebSocket-over-HTTP request is in flight is bounded by `limits.wsQueueBytes` (1008);
 * a burst of pings is answered, one pong each (RFC 6455 §5.5.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange } from '../helpers/raw-socket.ts'
import { connectWs, until, type WsClient } from '../helpers/ws-client.ts'

const EVENTS = 'application/websocket-events'
const KIB = 1024
const MIB = 1024 * KIB

describe('WebSocket input limits on Node', () => {
  let h: HostileSetup
  const clients: WsClient[] = []

  /** Accepts the OPEN; later requests are answered after `laterDelayMs`, with no events. */
  const script = (path: string, laterDelayMs = 0) =>
    h.origin.on(path, (_req, n) =>
      n === 1
        ? { headers: { 'content-type': EVENTS }, body: 'OPEN\r\n' }
        : { headers: { 'content-type': EVENTS }, body: '', delayMs: laterDelayMs }
    )
  const connect = async (path: string) => {
    const client = await connectWs(`${h.url.replace(/^http/, 'ws')}${path}`)
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    h = await startHostile(
      { grip: { key: 'ws-input-key' }, origins: { app: { timeoutMs: 10_000 } } },
      [],
      { cache: false }
    )
  })
  afterAll(async () => {
    for (const client of clients) client.ws.terminate()
    await h?.close()
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
    await until(() => h.origin.hits('/ws/exact') === 2, 5000, 'the message reaching the origin')
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
  })

  it('closes with 1008 once input queued behind a slow origin passes wsQueueBytes', async () => {
    script('/ws/slow', 4000)
    const client = await connect('/ws/slow')
    client.ws.send('first') // goes out at once; the origin sits on it
    await until(() => h.origin.hits('/ws/slow') === 2, 5000, 'the first request in flight')
    const chunk = new Uint8Array(100 * KIB)
    for (let i = 0; i < 12; i++) client.ws.send(chunk)
    const close = await client.waitClose(5000)
    expect(close.code).toBe(1008)
    expect(h.logger.messages('warn')).toContain('websocket input over the queue limit; closing')
  })

  it('cuts an origin close reason over 123 bytes to fit the close frame', async () => {
    const reason = 'é'.repeat(150) // 300 bytes of UTF-8
    // Code 3905 (0x0f41): bytes the fixture's UTF-8 body carries as they are.
    const content = Buffer.concat([Buffer.from([0x0f, 0x41]), Buffer.from(reason)])
    h.origin.on('/ws/long-close', (_req, n) =>
      n === 1
        ? { headers: { 'content-type': EVENTS }, body: 'OPEN\r\n' }
        : {
            headers: { 'content-type': EVENTS },
            body: `CLOSE ${content.length.toString(16)}\r\n${content.toString('utf8')}\r\n`,
          }
    )
    const client = await connect('/ws/long-close')
    client.ws.send('close me')
    const close = await client.waitClose(5000)
    expect(close.code).toBe(3905)
    expect(Buffer.byteLength(close.reason)).toBeLessThanOrEqual(123)
    expect(reason.startsWith(close.reason)).toBe(true)
  })

  it('passes a client close of the largest size on, and survives a close frame over it', async () => {
    script('/ws/client-close')
    script('/ws/client-close-illegal')
    const handshake = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'
    const reason = Buffer.alloc(123, 'r')
    const legal = await rawExchange(
      h.port,
      [handshake('/ws/client-close'), clientFrame(0x8, closePayload(4000, reason))],
      {
        until: (text) => text.includes('\x88'),
        maxMs: 3000,
      }
    )
    expect(legal.text).toContain(' 101 ')
    await until(() => h.origin.hits('/ws/client-close') === 2, 5000, 'the CLOSE at the origin')
    // A control frame over 125 bytes breaks RFC 6455 §5.5: ws fails the connection (1002).
    const tooLong = closePayload(4000, Buffer.alloc(200, 'r'))
    const illegal = await rawExchange(
      h.port,
      [handshake('/ws/client-close-illegal'), clientFrame(0x8, tooLong)],
      {
        maxMs: 3000,
      }
    )
    expect(illegal.text).toContain(' 101 ')
    // Still serving.
    script('/ws/after-close')
    const after = await connect('/ws/after-close')
    expect(after.ws.readyState).toBe(WebSocket.OPEN)
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

/** A close frame's payload: the code, then the reason. */
function closePayload(code: number, reason: Buffer): Buffer {
  return Buffer.concat([Buffer.from([code >> 8, code & 0xff]), reason])
}

/** One masked client frame (RFC 6455 §5.2), FIN set; lengths up to 65535. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4])
  const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!))
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff])
  return Buffer.concat([Buffer.from([0x80 | opcode]), length, mask, masked])
}
