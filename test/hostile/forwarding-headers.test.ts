/**
 * Issue #12, item 9: the origin learns the client's address from the gateway, never from the
 * client. A client's `Forwarded` / `X-Forwarded-*` passed through untouched: an origin that
 * reflected `Forwarded: host=…` into a cacheable page served the attacker's host to everyone
 * as a HIT, and any origin trusting `X-Forwarded-For` saw an address the client chose.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startWsOrigin, type WsOrigin } from '../../fixtures/ws-origin/origin.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { type HostileGateway, startHostileGateway } from '../helpers/hostile-gateway.ts'
import { httpRequest } from '../helpers/http-get.ts'

const GRIP_KEY = 'forwarding-test-grip-key'
const FORGED = {
  forwarded: 'for=6.6.6.6;host=evil.example;proto=https',
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  'x-real-ip': '6.6.6.6',
}

let origin: FixtureOrigin
let wsOrigin: WsOrigin
let plain: HostileGateway
let behindProxy: HostileGateway

beforeAll(async () => {
  origin = await startFixtureOrigin()
  origin.on('/echo', { body: 'echo' })
  // An origin that builds absolute links from the forwarding fields, as many frameworks do.
  origin.on('/page', (req) => ({
    headers: { 'cache-control': 'public, max-age=60', 'content-type': 'text/html' },
    body: `<a href="//${/host=([^;,]+)/.exec(String(req.headers.forwarded))?.[1] ?? req.headers['x-forwarded-host']}/next">next</a>`,
  }))
  wsOrigin = await startWsOrigin({ key: GRIP_KEY })
  const config = (extra: Record<string, unknown>) => ({
    origins: { app: { url: origin.url }, ws: { url: wsOrigin.url } },
    routes: [
      { path: '/ws/*', origin: 'ws', cache: false },
      { path: '/*', origin: 'app' },
    ],
    grip: { key: GRIP_KEY },
    ...extra,
  })
  plain = await startHostileGateway(config({}))
  behindProxy = await startHostileGateway(config({ trustedProxies: ['127.0.0.0/8', '::1'] }))
})

afterAll(async () => {
  await plain.close()
  await behindProxy.close()
  await origin.close()
  await wsOrigin.close()
})

const lastSeen = () => origin.requests.at(-1)?.headers ?? {}

describe('forwarding fields from an untrusted client', () => {
  it('replaces X-Forwarded-* with what the gateway saw and drops Forwarded and X-Real-IP', async () => {
    const host = `127.0.0.1:${plain.port}`
    const response = await httpRequest(`${plain.url}/echo`, { headers: FORGED })
    expect(response.status).toBe(200)
    const seen = lastSeen()
    expect(seen['x-forwarded-for']).toBe('127.0.0.1')
    expect(seen['x-forwarded-host']).toBe(host)
    expect(seen['x-forwarded-proto']).toBe('http')
    expect(seen.forwarded).toBeUndefined()
    expect(seen['x-real-ip']).toBeUndefined()
  })

  it('cannot poison a cached page through a reflected Forwarded host', async () => {
    const attack = await httpRequest(`${plain.url}/page`, { headers: FORGED })
    expect(attack.body).not.toContain('evil.example')
    const victim = await httpRequest(`${plain.url}/page`)
    expect(victim.headers['x-cache']).toBe('HIT')
    expect(victim.body).not.toContain('evil.example')
  })

  it('sends the client address on WebSocket-over-HTTP requests too', async () => {
    const ws = new WebSocket(`${plain.url.replace(/^http/, 'ws')}/ws/forwarded`, {
      headers: FORGED,
    })
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve())
        ws.once('error', reject)
      })
      const open = wsOrigin.requestsTo('/ws/forwarded')[0]
      expect(open?.headers['x-forwarded-for']).toBe('127.0.0.1')
      expect(open?.headers.forwarded).toBeUndefined()
      expect(open?.headers['x-forwarded-host']).toBe(`127.0.0.1:${plain.port}`)
    } finally {
      ws.terminate()
    }
  })
})

describe('forwarding fields from a trusted proxy (trustedProxies)', () => {
  it('extends its X-Forwarded-For and keeps its X-Forwarded-Host and -Proto', async () => {
    await httpRequest(`${behindProxy.url}/echo`, { headers: FORGED })
    const seen = lastSeen()
    expect(seen['x-forwarded-for']).toBe('6.6.6.6, 127.0.0.1')
    expect(seen['x-forwarded-host']).toBe('evil.example')
    expect(seen['x-forwarded-proto']).toBe('https')
    expect(seen['x-real-ip']).toBe('6.6.6.6')
    // Forwarded is never passed on: the gateway does not write it either.
    expect(seen.forwarded).toBeUndefined()
  })

  it('sets X-Forwarded-For to the proxy itself when it sent none', async () => {
    await httpRequest(`${behindProxy.url}/echo`)
    expect(lastSeen()['x-forwarded-for']).toBe('127.0.0.1')
  })
})
