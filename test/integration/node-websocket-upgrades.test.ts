/**
 * Node's upgrade listener (edge/node/websocket-upgrades.ts): what an upgrade the app does not
 * take gets on the wire, which targets become no Request, and that the app sees the upgrade
 * as a web Request with the raw connection in its env. Raw sockets on 127.0.0.1.
 */
import type { IncomingMessage, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocketServer } from 'ws'
import { nodeWebSocketAcceptor, type UpgradeEnv } from '../../edge/node/websocket.ts'
import { takeWebSocketUpgrades, upgradeRequest } from '../../edge/node/websocket-upgrades.ts'
import { GatewayError } from '../../src/errors.ts'
import type { WsHandler } from '../../src/ws-socket.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'
import { connectWs } from '../helpers/ws-client.ts'

const KEY = 'dGhlIHNhbXBsZSBub25jZQ=='
const upgrade = (path: string, host = 'gw') =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\nSec-WebSocket-Version: 13\r\n\r\n`

/** Records what a session heard. */
class Recorder implements WsHandler {
  opened = 0
  closes: Array<number | undefined> = []
  onOpen(): void {
    this.opened++
  }
  onMessage(): void {}
  onPing(): void {}
  onPong(): void {}
  onClose(code: number | undefined): void {
    this.closes.push(code)
  }
}

let server: Server
let port: number
/** What the app saw of the last upgrade. */
let seen: { url: string; host: string | undefined; hasSocket: boolean } | undefined
const recorder = new Recorder()

beforeAll(async () => {
  const app = new Hono<{ Bindings: UpgradeEnv }>()
    .get('/refused', () => {
      throw new GatewayError('CONNECTION_LIMIT', 503, 'full')
    })
    .get('/origin-says-no', () => new Response(null, { status: 403, headers: { 'x-why': 'no' } }))
    .get('/ws', (c) => {
      seen = {
        url: c.req.url,
        host: c.req.header('host'),
        hasSocket: c.env.upgrade.socket !== undefined,
      }
      return nodeWebSocketAcceptor.accept(c, new Headers({ 'x-extra': 'yes' }), recorder)
    })
  server = createAdaptorServer({ fetch: app.fetch }) as Server
  takeWebSocketUpgrades(server, new WebSocketServer({ noServer: true }), app.fetch)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    server.closeAllConnections()
  })
})

describe('an upgrade the app does not take', () => {
  it('gets the gateway error with its problem body, and the connection closes', async () => {
    const got = await rawExchange(port, upgrade('/refused'))
    expect(statusCodes(got.text)).toEqual([503])
    expect(got.text).toMatch(/content-type: application\/problem\+json/i)
    const body = got.text.slice(got.text.indexOf('\r\n\r\n') + 4)
    expect(JSON.parse(body)).toMatchObject({ status: 503, detail: 'full' })
    expect(got.text).toContain(`content-length: ${Buffer.byteLength(body)}`)
    expect(got.closed).toBe(true)
  })

  it("gets the origin's status and fields", async () => {
    const got = await rawExchange(port, upgrade('/origin-says-no'))
    expect(statusCodes(got.text)).toEqual([403])
    expect(got.text).toContain('x-why: no')
    expect(got.text).toContain('content-length: 0')
    expect(got.closed).toBe(true)
  })

  it.each([
    ['a backslash in the path', '/a\\..\\ws', 'gw'],
    ['a Host with userinfo', '/ws', 'x@gw'],
    ['a Host with a path', '/ws', 'gw/other'],
    ['an asterisk-form target', '*', 'gw'],
  ])('%s is refused with 400 before the app', async (_name, path, host) => {
    seen = undefined
    const got = await rawExchange(port, upgrade(path, host))
    expect(statusCodes(got.text)).toEqual([400])
    expect(got.text).toMatch(/application\/problem\+json/)
    expect(seen).toBeUndefined()
  })
})

describe('an upgrade the app takes', () => {
  it('reaches the app as a Request with the raw connection, and opens the session once', async () => {
    const client = await connectWs(`ws://127.0.0.1:${port}/ws?x=1`)
    expect(seen).toEqual({
      url: `http://127.0.0.1:${port}/ws?x=1`,
      host: `127.0.0.1:${port}`,
      hasSocket: true,
    })
    expect(client.upgradeHeaders['x-extra']).toBe('yes')
    expect(recorder.opened).toBe(1)
    client.ws.close(4000, 'bye')
    await client.waitClose()
  })
})

describe('upgradeRequest', () => {
  const incoming = (url: string, headers: Record<string, string | string[]>) =>
    ({ url, headers }) as unknown as IncomingMessage

  it('keeps an absolute-form target as it is, and every field', () => {
    const request = upgradeRequest(
      incoming('http://example.com/ws', { host: 'other', 'x-list': ['a', 'b'] })
    )
    expect(request?.url).toBe('http://example.com/ws')
    expect(request?.headers.get('x-list')).toBe('a, b')
  })

  it('takes the Host field for an origin-form target, with its port; a backslash may be in the query', () => {
    expect(upgradeRequest(incoming('/ws', { host: 'GW:8080' }))?.url).toBe('http://gw:8080/ws')
    expect(upgradeRequest(incoming('/ws?a\\b', { host: 'gw' }))?.url).toBe('http://gw/ws?a\\b')
  })
})
