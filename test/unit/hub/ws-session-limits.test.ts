/**
 * What a client socket may make a WsSession hold (issue #12): input queued behind an origin
 * request in flight is bounded by `limits.wsQueueBytes`, every ping is answered (RFC 6455
 * §5.5.2) through the slow-subscriber bound, a dropped subscriber is terminated, and odd
 * close reasons never throw.
 */
import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/grip/bytes.ts'
import { decodeWsEvents, encodeWsEvents, type WsEvent } from '../../../src/grip/ws-events.ts'
import { WOH_CONTENT_TYPE, WohExchange } from '../../../src/hub/woh-exchange.ts'
import { WsSession } from '../../../src/hub/ws-session.ts'
import type { WsSocket } from '../../../src/ws-socket.ts'
import { hubHarness, items, settle } from '../../helpers/grip-harness.ts'

/** A client socket that records what the session did to it. */
class RecordingSocket implements WsSocket {
  readonly sent: string[] = []
  readonly pongs: string[] = []
  readonly closes: Array<[number | undefined, string | undefined]> = []
  terminated = 0
  bufferedAmount = 0
  send(data: string | Uint8Array): void {
    this.sent.push(typeof data === 'string' ? data : `bin:${data.byteLength}`)
  }
  ping(): void {}
  pong(data: Uint8Array): void {
    this.pongs.push(new TextDecoder().decode(data))
  }
  close(code?: number, reason?: string): void {
    // What `ws` and workerd do with a reason over 123 bytes.
    if (reason !== undefined && utf8(reason).length > 123) throw new RangeError('reason too long')
    this.closes.push([code, reason])
  }
  terminate(): void {
    this.terminated += 1
  }
}

const answer = (events: WsEvent[]) =>
  new Response(encodeWsEvents(events) as Uint8Array<ArrayBuffer>, {
    headers: { 'content-type': WOH_CONTENT_TYPE, 'sec-websocket-extensions': 'grip' },
  })

/**
 * A session whose origin requests wait until `release()`: the first one stays in flight, so
 * what the client sends meanwhile queues.
 */
async function heldSession(limits: Parameters<typeof hubHarness>[0] = {}) {
  const harness = hubHarness(limits)
  const posted: WsEvent[][] = []
  const waiting: Array<() => void> = []
  const exchange = new WohExchange((body) => {
    const decoded = decodeWsEvents(body)
    posted.push(decoded.ok ? decoded.value : [])
    return new Promise<Response>((resolve) => waiting.push(() => resolve(answer([]))))
  })
  const reply = await exchange.readOpen(
    answer([
      { type: 'OPEN' },
      { type: 'TEXT', content: utf8('c:{"type":"subscribe","channel":"c"}') },
    ])
  )
  if (!reply.ok) throw new Error(reply.reason)
  harness.hub.openConnection('websocket')
  const session = new WsSession(harness.hub, exchange, reply)
  const socket = new RecordingSocket()
  session.onOpen(socket)
  const release = async () => {
    for (const resolve of waiting.splice(0)) resolve()
    await settle()
  }
  return { ...harness, session, socket, posted, release }
}

describe('WsSession input queue', () => {
  it('closes with 1008 and logs once queued input passes wsQueueBytes', async () => {
    const h = await heldSession({ wsQueueBytes: 1000 })
    h.session.onMessage(utf8('first'), false) // in flight from here
    for (let i = 0; i < 5; i++) h.session.onMessage(new Uint8Array(300), true)
    expect(h.socket.closes).toEqual([[1008, 'input queue full']])
    expect(h.logger.messages('warn')).toEqual(['websocket input over the queue limit; closing'])
    // Nothing more is taken from this client; what was queued within the bound still goes.
    h.session.onMessage(new Uint8Array(1), true)
    await h.release()
    expect(h.posted.map((events) => events.length)).toEqual([1, 3])
  })

  it('takes one message larger than the queue limit when nothing else waits', async () => {
    const h = await heldSession({ wsQueueBytes: 100 })
    h.session.onMessage(utf8('first'), false)
    h.session.onMessage(new Uint8Array(500), true)
    expect(h.socket.closes).toEqual([])
    h.session.onMessage(new Uint8Array(1), true)
    expect(h.socket.closes).toEqual([[1008, 'input queue full']])
  })

  it('starts counting again once the queue went out', async () => {
    const h = await heldSession({ wsQueueBytes: 1000 })
    h.session.onMessage(utf8('first'), false)
    h.session.onMessage(new Uint8Array(600), true)
    await h.release() // the first answer: the 600 bytes go out, in flight in turn
    h.session.onMessage(new Uint8Array(600), true)
    await h.release()
    expect(h.socket.closes).toEqual([])
    expect(h.posted).toHaveLength(3)
  })

  it('counts pings: a flood of empty ones is bounded too', async () => {
    const h = await heldSession({ wsQueueBytes: 1000 })
    h.session.onMessage(utf8('first'), false)
    for (let i = 0; i < 1000 && h.socket.closes.length === 0; i++)
      h.session.onPing(new Uint8Array(0))
    expect(h.socket.closes).toEqual([[1008, 'input queue full']])
  })

  it('still tells the origin the client closed after an overflow', async () => {
    const h = await heldSession({ wsQueueBytes: 100 })
    h.session.onMessage(utf8('first'), false)
    h.session.onMessage(new Uint8Array(90), true)
    h.session.onMessage(new Uint8Array(90), true)
    h.session.onClose(1008, 'input queue full', true)
    await h.release()
    await h.release()
    expect(h.posted.flat().map((event) => event.type)).toEqual(['TEXT', 'BINARY', 'CLOSE'])
    expect(h.hub.connections.websocket).toBe(0)
  })
})

describe('WsSession pings', () => {
  it('answers every ping with a pong of the same data', async () => {
    const h = await heldSession()
    for (let i = 0; i < 500; i++) h.session.onPing(utf8(String(i)))
    expect(h.socket.pongs).toHaveLength(500)
    expect(h.socket.pongs.slice(0, 3)).toEqual(['0', '1', '2'])
  })

  it('drops a client that lets its pongs pile up, as any slow subscriber', async () => {
    const h = await heldSession({ subscriberQueueBytes: 1000 })
    h.socket.bufferedAmount = 1001
    h.session.onPing(utf8('x'))
    expect(h.socket.terminated).toBe(1)
    expect(h.hub.counters.drops).toBe(1)
  })
})

describe('WsSession slow subscriber', () => {
  it('terminates the socket at once instead of a close queued behind the backlog', async () => {
    const h = await heldSession({ subscriberQueueBytes: 1000 })
    h.socket.bufferedAmount = 5000
    h.hub.publish(items({ channel: 'c', formats: { 'ws-message': { content: 'x' } } }))
    h.hub.publish(items({ channel: 'c', formats: { 'ws-message': { content: 'y' } } }))
    expect(h.socket.terminated).toBe(1)
    expect(h.socket.closes).toEqual([])
    expect(h.hub.counters.drops).toBe(1)
    expect(h.logger.messages('warn')).toEqual(['slow subscriber dropped'])
  })
})

describe('WsSession close reasons', () => {
  it('cuts an origin close reason over 123 bytes instead of throwing', async () => {
    const harness = hubHarness()
    const long = 'é'.repeat(200)
    const content = new Uint8Array([0x0f, 0xa1, ...utf8(long)]) // code 4001
    const exchange = new WohExchange(async () => answer([{ type: 'CLOSE', content }]))
    const reply = await exchange.readOpen(answer([{ type: 'OPEN' }]))
    if (!reply.ok) throw new Error(reply.reason)
    harness.hub.openConnection('websocket')
    const session = new WsSession(harness.hub, exchange, reply)
    const socket = new RecordingSocket()
    session.onOpen(socket)
    session.onMessage(utf8('hi'), false)
    await settle()
    expect(socket.closes).toHaveLength(1)
    const [code, reason] = socket.closes[0]!
    expect(code).toBe(4001)
    expect(utf8(reason!).length).toBeLessThanOrEqual(123)
  })

  it('passes a client close reason of any length to the origin without throwing', async () => {
    const h = await heldSession()
    expect(() => h.session.onClose(1000, 'x'.repeat(500), true)).not.toThrow()
    await h.release()
    await h.release()
    expect(h.posted.flat().map((event) => event.type)).toEqual(['CLOSE'])
  })
})
