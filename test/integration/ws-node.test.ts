/**
 * Issue #4 acceptance, as a new user checks it: `ws` clients talk to `bin/gripgate serve`,
 * which serves them through WebSocket-over-HTTP (GRIP.md §7.2) to an origin built on
 * `@fanoutio/serve-grip`'s `WebSocketContext`; publishes go through the gateway's
 * `/publish/` with `@fanoutio/grip`'s `Publisher`.
 */
import { Publisher, WebSocketMessageFormat } from '@fanoutio/grip'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ORIGIN_CLOSE,
  readCloseContent,
  startWsOrigin,
  type WsOrigin,
} from '../../fixtures/ws-origin/origin.ts'
import { type ServeProcess, startServe, writeTempConfig } from '../helpers/cli.ts'
import { connectWs, refusedHandshake, until, type WsClient, within } from '../helpers/ws-client.ts'

const GRIP_KEY = 'ws-test-grip-key'
const PUBLISH_KEY = 'ws-test-publish-key'
const EVENTS = 'application/websocket-events'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

describe('WebSockets through gripgate serve (WebSocket-over-HTTP to a serve-grip origin)', () => {
  let origin: WsOrigin
  /** A second origin, for the test that stops it mid-session. */
  let doomed: WsOrigin
  let gateway: ServeProcess
  let publisher: Publisher
  const open: WsClient[] = []

  const wsUrl = (path: string) => `${gateway.url.replace(/^http/, 'ws')}${path}`
  const connect = async (path: string) => {
    const client = await connectWs(wsUrl(path))
    open.push(client)
    return client
  }
  /** Connects and takes the origin's `welcome`, after which the socket is subscribed. */
  const connectWelcomed = async (path: string) => {
    const client = await connect(path)
    expect(await client.next()).toEqual({ data: 'welcome', binary: false })
    return client
  }
  const text = (data: string) => ({ data, binary: false })
  const binary = (...bytes: number[]) => ({ data: Uint8Array.from(bytes), binary: true })
  const publishRaw = (body: unknown) =>
    fetch(`${gateway.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${PUBLISH_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  beforeAll(async () => {
    origin = await startWsOrigin({ key: GRIP_KEY })
    doomed = await startWsOrigin({ key: GRIP_KEY })
    const config = await writeTempConfig({
      origins: {
        app: { url: origin.url, timeoutMs: 5000 },
        doomed: { url: doomed.url, timeoutMs: 5000 },
      },
      routes: [
        { path: '/ws/doomed-*', origin: 'doomed', cache: false },
        { path: '/*', origin: 'app', cache: false },
      ],
      grip: { key: GRIP_KEY },
      publish: { keys: [PUBLISH_KEY] },
    })
    gateway = await startServe(['--config', config, '--drain-ms', '2000'])
    publisher = new Publisher({ control_uri: gateway.url, key: PUBLISH_KEY })
  })
  afterAll(async () => {
    for (const client of open) client.ws.terminate()
    await gateway?.stop()
    await origin?.close()
    await doomed?.close()
  })

  it('the origin refuses WebSocket-over-HTTP requests without a valid Grip-Sig', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${origin.url}/ws/direct`, {
        method: 'POST',
        headers: {
          'content-type': EVENTS,
          accept: EVENTS,
          'connection-id': 'direct-1',
          ...headers,
        },
        body: 'OPEN\r\n',
      })
    expect((await post({})).status).toBe(403)
    const forged = await new SignJWT({ iss: 'gripgate' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-key'))
    expect((await post({ 'grip-sig': forged })).status).toBe(403)
    expect(origin.requestsTo('/ws/direct').map((r) => r.signed)).toEqual([false, false])
  })

  it('opens through the origin, which welcomes the client and echoes its message', async () => {
    const client = await connectWelcomed('/ws/echo')
    client.ws.send('hello')
    expect(await client.next()).toEqual(text('echo:hello'))
  })

  it('sends the origin OPEN first, then the messages, with the WOH headers and one Connection-Id', async () => {
    const client = await connectWelcomed('/ws/headers')
    client.ws.send('hello')
    expect(await client.next()).toEqual(text('echo:hello'))

    const [first, second, ...rest] = origin.requestsTo('/ws/headers')
    expect(rest).toEqual([])
    expect(first?.events.map((e) => e.type)).toEqual(['OPEN'])
    expect(second?.events).toEqual([{ type: 'TEXT', content: new TextEncoder().encode('hello') }])
    for (const request of [first!, second!]) {
      expect(request.method).toBe('POST')
      expect(request.signed).toBe(true)
      expect(request.headers['grip-sig']).toBeTruthy()
      expect(request.headers['content-type']).toBe(EVENTS)
      expect(request.headers.accept).toBe(EVENTS)
      // The client's permessage-deflate offer is replaced (GRIP.md §7.2).
      expect(request.headers['sec-websocket-extensions']).toBe('grip')
      expect(request.headers['sec-websocket-key']).toBeTruthy()
      expect(request.headers['sec-websocket-version']).toBe('13')
      expect(request.headers.upgrade).toBeUndefined()
      expect(request.headers.connection ?? '').not.toMatch(/upgrade/i)
    }
    // Sized bodies, as Pushpin sends them: `OPEN\r\n`, then `TEXT 5\r\nhello\r\n`.
    expect([first!, second!].map((r) => r.headers['content-length'])).toEqual(['6', '15'])
    expect(first!.headers['transfer-encoding']).toBeUndefined()
    expect(first!.headers['connection-id']).toMatch(UUID)
    expect(second!.headers['connection-id']).toBe(first!.headers['connection-id'])
  })

  it("keeps the origin's WOH headers out of the client's 101", async () => {
    const client = await connectWelcomed('/ws/upgrade-headers?user=carol')
    const names = Object.keys(client.upgradeHeaders)
    expect(names).not.toContain('content-type')
    expect(names.filter((name) => name.startsWith('set-meta-'))).toEqual([])
    expect(client.upgradeHeaders['sec-websocket-extensions'] ?? '').not.toMatch(/grip/)
  })

  it('gives each socket its own Connection-Id', async () => {
    await connectWelcomed('/ws/ids?n=1')
    await connectWelcomed('/ws/ids?n=2')
    const [one] = origin.requestsTo('/ws/ids?n=1')
    const [two] = origin.requestsTo('/ws/ids?n=2')
    expect(one!.headers['connection-id']).not.toBe(two!.headers['connection-id'])
  })

  it('carries Meta-* on the requests after a Set-Meta-*, and the new value after a change', async () => {
    const path = '/ws/meta?user=alice'
    const client = await connectWelcomed(path)
    client.ws.send('one')
    expect(await client.next()).toEqual(text('echo:one'))
    client.ws.send('meta:bob')
    expect(await client.next()).toEqual(text('echo:meta:bob'))
    client.ws.send('two')
    expect(await client.next()).toEqual(text('echo:two'))
    expect(origin.requestsTo(path).map((r) => r.headers['meta-user'])).toEqual([
      undefined, // OPEN: nothing stored yet
      'alice',
      'alice', // the request whose answer sets bob
      'bob',
    ])
  })

  it('round-trips binary frames, bytes intact', async () => {
    const client = await connectWelcomed('/ws/binary')
    const bytes = [0x00, 0x01, 0x02, 0x0d, 0x0a, 0xff]
    client.ws.send(Uint8Array.from(bytes))
    expect(await client.next()).toEqual(binary(...bytes))
    expect(origin.eventsTo('/ws/binary').at(-1)).toEqual({
      type: 'BINARY',
      content: Uint8Array.from(bytes),
    })
  })

  it('delivers a published ws-message to the subscribed socket, text and binary', async () => {
    const client = await connectWelcomed('/ws/pub-text')
    await publisher.publishFormats('pub-text', new WebSocketMessageFormat('published-text'))
    expect(await client.next()).toEqual(text('published-text'))
    await publisher.publishFormats(
      'pub-text',
      new WebSocketMessageFormat(Uint8Array.of(0xde, 0xad, 0xbe, 0xef))
    )
    expect(await client.next()).toEqual(binary(0xde, 0xad, 0xbe, 0xef))
  })

  it("closes the client with the origin's code and reason, and forwards the answering close", async () => {
    const client = await connectWelcomed('/ws/origin-close')
    client.ws.send('close-me')
    expect(await client.waitClose()).toEqual(ORIGIN_CLOSE)
    // Pushpin forwards the client's answering close frame as another CLOSE (GRIP.md §7.3).
    await until(
      () => origin.eventsTo('/ws/origin-close').some((e) => e.type === 'CLOSE'),
      5000,
      'the client answering close reaching the origin'
    )
    const close = origin.eventsTo('/ws/origin-close').find((e) => e.type === 'CLOSE')
    expect(readCloseContent(close?.content)).toEqual(ORIGIN_CLOSE)
  })

  it("sends the client's close code and reason to the origin as CLOSE", async () => {
    const client = await connectWelcomed('/ws/client-close')
    client.ws.close(4000, 'client-done')
    // The origin answers with the same code (the close handshake); the client sees it.
    expect(await client.waitClose()).toEqual({ code: 4000, reason: 'client-done' })
    await until(
      () => origin.eventsTo('/ws/client-close').some((e) => e.type === 'CLOSE'),
      5000,
      'CLOSE reaching the origin'
    )
    const events = origin.eventsTo('/ws/client-close')
    expect(events.map((e) => e.type)).toEqual(['OPEN', 'CLOSE'])
    expect(readCloseContent(events[1]?.content)).toEqual({ code: 4000, reason: 'client-done' })
  })

  it('closes the client with the code of a published close action', async () => {
    const client = await connectWelcomed('/ws/pub-close')
    await publisher.publishFormats('pub-close', new WebSocketMessageFormat(null, true, 4002))
    expect((await client.waitClose()).code).toBe(4002)

    // js-grip cannot send a reason; Pushpin's format has one (GRIP.md §7.5).
    const other = await connectWelcomed('/ws/pub-close-reason')
    const res = await publishRaw({
      items: [
        {
          channel: 'pub-close-reason',
          formats: { 'ws-message': { action: 'close', code: 4002, reason: 'pubclose' } },
        },
      ],
    })
    expect(res.status).toBe(200)
    expect(await other.waitClose()).toEqual({ code: 4002, reason: 'pubclose' })
  })

  it('stops delivering a channel after the origin unsubscribes the socket', async () => {
    const leaver = await connectWelcomed('/ws/unsub-ch?who=leaver')
    const stayer = await connectWelcomed('/ws/unsub-ch?who=stayer')
    leaver.ws.send('unsubscribe')
    // The unsubscribe control precedes the echo in the same answer.
    expect(await leaver.next()).toEqual(text('echo:unsubscribe'))
    await publisher.publishFormats('unsub-ch', new WebSocketMessageFormat('after'))
    expect(await stayer.next()).toEqual(text('after'))
    // The publish was delivered before it was acknowledged: anything for the leaver would
    // already be ahead of this echo on its socket.
    leaver.ws.send('check')
    expect(await leaver.next()).toEqual(text('echo:check'))
    expect(leaver.messages.map((m) => m.data)).not.toContain('after')
  })

  it("fails the handshake with the origin's 403 and headers", async () => {
    const refused = await refusedHandshake(wsUrl('/ws-refuse'))
    expect(refused.status).toBe(403)
    expect(refused.headers['x-refused-by']).toBe('ws-origin')
    expect(refused.headers['content-type']).toBe('text/plain')
    expect(origin.requestsTo('/ws-refuse').at(-1)?.status).toBe(403)
  })

  // GRIP-CONFORMANCE.md H.95: Pushpin relays the body too. @hono/node-server 2.1.9 answers
  // every refused upgrade itself (`rejectUpgradeRequest`: `Content-Length: 0`, no body).
  it.todo("relays the origin's refusal body to the client on Node")

  it('closes the client with 1011 when the origin goes down mid-session', async () => {
    const client = await connectWelcomed('/ws/doomed-1')
    await doomed.close()
    client.ws.send('anyone there?')
    expect((await client.waitClose(10_000)).code).toBe(1011)
  })

  it('tells the origin DISCONNECT when the client vanishes without a close frame', async () => {
    const client = await connectWelcomed('/ws/vanish')
    client.ws.terminate()
    await until(
      () => origin.eventsTo('/ws/vanish').some((e) => e.type === 'DISCONNECT'),
      5000,
      'DISCONNECT reaching the origin'
    )
    expect(origin.eventsTo('/ws/vanish').map((e) => e.type)).toEqual(['OPEN', 'DISCONNECT'])
  })

  it('survives an origin close without a usable code: WebSocketContext.close() sends 0', async () => {
    const client = await connectWelcomed('/ws/close-zero')
    client.ws.send('close-default')
    // Code 0 cannot go in a close frame (RFC 6455 §7.4): the client sees a close without one.
    expect(await client.waitClose()).toEqual({ code: 1005, reason: '' })
    const next = await connectWelcomed('/ws/close-zero-after')
    next.ws.send('still up?')
    expect(await next.next()).toEqual(text('echo:still up?'))
  })

  it('survives an origin PING over the 125 bytes a ping frame can carry', async () => {
    const client = await connectWelcomed('/ws/ping-big')
    const pings: number[] = []
    client.ws.on('ping', (data: Buffer) => pings.push(data.length))
    client.ws.send('ping-big')
    expect(await client.next()).toEqual(text('echo:ping-big'))
    expect(pings.length).toBe(1)
    expect(pings[0]).toBeLessThanOrEqual(125)
  })

  it('drops the client (1006) when the origin answers DISCONNECT', async () => {
    const client = await connectWelcomed('/ws/dropped')
    client.ws.send('disconnect-me')
    expect((await client.waitClose()).code).toBe(1006)
  })
})

describe('WebSockets at scale through gripgate serve', () => {
  const SOCKETS = 1000
  /** Handshakes in flight at once: well under the listen backlog, so no SYN retries. */
  const BATCH = 100
  /**
   * How long a socket may wait for each message. Not a speed check: 1,000 client messages at
   * once are 1,000 concurrent WebSocket-over-HTTP requests to the origin, which takes seconds
   * when the whole suite shares two cores (an origin request past `timeoutMs` closes its socket).
   */
  const WAIT_MS = 30_000
  let origin: WsOrigin
  let gateway: ServeProcess
  const clients: WsClient[] = []

  beforeAll(async () => {
    origin = await startWsOrigin({ key: GRIP_KEY })
    const config = await writeTempConfig({
      origins: { app: { url: origin.url, timeoutMs: WAIT_MS } },
      routes: [{ path: '/*', origin: 'app', cache: false }],
      grip: { key: GRIP_KEY },
      publish: { keys: [PUBLISH_KEY] },
    })
    gateway = await startServe(['--config', config, '--drain-ms', '2000'])
  })
  afterAll(async () => {
    for (const client of clients) client.ws.terminate()
    await gateway?.stop()
    await origin?.close()
  })

  it(`${SOCKETS} concurrent sockets each get their echo and one published message`, {
    timeout: 180_000,
  }, async () => {
    const base = `${gateway.url.replace(/^http/, 'ws')}/ws/crowd`
    for (let start = 0; start < SOCKETS; start += BATCH) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(BATCH, SOCKETS - start) }, (_, i) =>
          connectWs(`${base}?n=${start + i}`, 10_000)
        )
      )
      clients.push(...batch)
    }
    expect(clients).toHaveLength(SOCKETS)
    // `welcome` comes after the subscribe control: every socket is on `crowd` after this.
    await Promise.all(
      clients.map(async (c) => expect((await c.next(WAIT_MS)).data).toBe('welcome'))
    )

    for (const [i, c] of clients.entries()) c.ws.send(`hi-${i}`)
    await Promise.all(
      clients.map(async (c, i) => expect((await c.next(WAIT_MS)).data).toBe(`echo:hi-${i}`))
    )

    const publisher = new Publisher({ control_uri: gateway.url, key: PUBLISH_KEY })
    await publisher.publishFormats('crowd', new WebSocketMessageFormat('to-everyone'))
    await Promise.all(
      clients.map(async (c) =>
        expect(await c.next(WAIT_MS)).toEqual({ data: 'to-everyone', binary: false })
      )
    )
    expect(clients.every((c) => c.messages.length === 3)).toBe(true)

    for (const c of clients) c.ws.close(1000)
    await within(Promise.all(clients.map((c) => c.closed)), 15_000, 'every socket closed')
    await until(
      () =>
        origin.requests.filter((r) => r.events.some((e) => e.type === 'CLOSE')).length === SOCKETS,
      15_000,
      'every CLOSE reaching the origin'
    )
  })
})
