/**
 * Issue #2 acceptance, as a new user checks it: `bin/gripgate serve` in front of a real
 * origin on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type ServeProcess, startServe, writeTempConfig } from '../helpers/cli.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { httpRequest } from '../helpers/http-get.ts'

describe('gripgate serve in front of an origin', () => {
  let origin: FixtureOrigin
  let gateway: ServeProcess

  beforeAll(async () => {
    origin = await startFixtureOrigin()
    const config = await writeTempConfig({
      origins: { app: { url: origin.url } },
      routes: [{ path: '/*', origin: 'app' }],
      grip: { key: 'k' },
      publish: { keys: ['p'] },
    })
    gateway = await startServe(['--config', config])
  })
  afterAll(async () => {
    await gateway?.stop()
    await origin?.close()
  })

  it('proxies every path', async () => {
    origin.on('/a/b/c', { status: 201, headers: { 'x-echo': 'yes' }, body: 'deep' })
    const res = await fetch(`${gateway.url}/a/b/c?q=1`)
    expect(res.status).toBe(201)
    expect(res.headers.get('x-echo')).toBe('yes')
    expect(await res.text()).toBe('deep')
    expect(origin.requests.at(-1)?.path).toBe('/a/b/c?q=1')
  })

  it('answers a second GET of a max-age=300 response from the edge', async () => {
    origin.on('/cached', {
      headers: { 'cache-control': 'public, max-age=300', etag: '"v1"' },
      body: 'one',
    })
    const first = await fetch(`${gateway.url}/cached`)
    expect(first.headers.get('x-cache')).toBe('MISS')
    await first.text()
    const second = await fetch(`${gateway.url}/cached`)
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(await second.text()).toBe('one')
    expect(origin.hits('/cached')).toBe(1)
  })

  it('answers If-None-Match with the cached ETag with 304 from the edge', async () => {
    origin.on('/etag', {
      headers: { 'cache-control': 'public, max-age=300', etag: '"abc"' },
      body: 'x',
    })
    await (await fetch(`${gateway.url}/etag`)).text()
    const res = await httpRequest(`${gateway.url}/etag`, { headers: { 'if-none-match': '"abc"' } })
    expect(res.status).toBe(304)
    expect(res.headers.etag).toBe('"abc"')
    expect(res.headers['x-cache']).toBe('HIT')
    expect(origin.hits('/etag')).toBe(1)
  })

  it('never shares a private response', async () => {
    origin.on('/me', (req) => ({
      headers: { 'cache-control': 'private, max-age=300' },
      body: `user ${req.headers['x-user']}`,
    }))
    const alice = await fetch(`${gateway.url}/me`, { headers: { 'x-user': 'alice' } })
    const bob = await fetch(`${gateway.url}/me`, { headers: { 'x-user': 'bob' } })
    expect(await alice.text()).toBe('user alice')
    expect(await bob.text()).toBe('user bob')
    expect(origin.hits('/me')).toBe(2)
  })

  it('collapses 30 concurrent cold GETs into at most 2 origin requests', async () => {
    origin.on('/hot', {
      headers: { 'cache-control': 'public, max-age=300' },
      body: 'hot',
      delayMs: 100,
    })
    const bodies = await Promise.all(
      Array.from({ length: 30 }, () => fetch(`${gateway.url}/hot`).then((res) => res.text()))
    )
    expect(bodies.every((body) => body === 'hot')).toBe(true)
    expect(origin.hits('/hot')).toBeLessThanOrEqual(2)
  })

  it('strips surrogate keys and purges by them', async () => {
    origin.on('/tagged', (_req, count) => ({
      headers: {
        'cache-control': 'public, max-age=300',
        'surrogate-key': 'k1 k2',
        'cache-tag': 't1,t2',
      },
      body: `v${count}`,
    }))
    const first = await fetch(`${gateway.url}/tagged`)
    expect(first.headers.get('surrogate-key')).toBeNull()
    expect(first.headers.get('cache-tag')).toBeNull()
    expect(await first.text()).toBe('v1')
    const purge = await fetch(`${gateway.url}/_gripgate/purge`, {
      method: 'POST',
      headers: { authorization: 'Bearer p', 'content-type': 'application/json' },
      body: JSON.stringify({ keys: ['t2'] }),
    })
    expect(purge.status).toBe(200)
    expect(await purge.json()).toEqual({ purged: 1, keys: ['t2'], soft: false })
    expect(await (await fetch(`${gateway.url}/tagged`)).text()).toBe('v2')
  })

  it('refuses a purge without a publish key', async () => {
    const res = await fetch(`${gateway.url}/_gripgate/purge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ keys: ['x'] }),
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect((await res.json()).code).toBe('UNAUTHORIZED')
  })
})

describe('origin failures', () => {
  it('answers 502 for an unreachable origin and 504 for a slow one', async () => {
    const origin = await startFixtureOrigin()
    origin.on('/slow', { delayMs: 3_000, body: 'late' })
    const config = await writeTempConfig({
      origins: { down: { url: 'http://127.0.0.1:1' }, slow: { url: origin.url, timeoutMs: 200 } },
      routes: [
        { path: '/down/*', origin: 'down' },
        { path: '/*', origin: 'slow' },
      ],
    })
    const gateway = await startServe(['--config', config])
    try {
      const down = await fetch(`${gateway.url}/down/x`)
      expect(down.status).toBe(502)
      expect(down.headers.get('content-type')).toBe('application/problem+json')
      expect((await down.json()).code).toBe('ORIGIN_UNREACHABLE')
      const slow = await fetch(`${gateway.url}/slow`)
      expect(slow.status).toBe(504)
      expect((await slow.json()).code).toBe('ORIGIN_TIMEOUT')
    } finally {
      await gateway.stop()
      await origin.close()
    }
  })
})
