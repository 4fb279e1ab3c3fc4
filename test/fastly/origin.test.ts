import { beforeEach, describe, expect, it } from 'vitest'
import type { CandidateResponse } from '../../edge/fastly/cache-policy.ts'
import { createFastlyOrigin } from '../../edge/fastly/origin.ts'
import { signGripSig } from '../../src/grip/grip-sig.ts'
import { OriginTimeoutError, OriginUnreachableError } from '../../src/platform.ts'
import { EPOCH } from '../fakes/fake-clock.ts'
import { buildApp, GRIP_KEY, recordingFetch, type Sent, seedStores } from './helpers.ts'
import type { CacheOverride } from './shims/cache-override.ts'
import { resetShims } from './shims/reset.ts'

beforeEach(() => {
  resetShims()
  seedStores()
})

const overrideOf = (sent: Sent | undefined) => sent?.init.cacheOverride as CacheOverride

/** Runs Fastly's afterSend hook of a request on a candidate response. */
function runAfterSend(sent: Sent | undefined, candidate: CandidateResponse) {
  const hook = overrideOf(sent).afterSend
  if (!hook) throw new Error('no afterSend hook')
  return hook(candidate as Response)
}

describe('the pull path on Fastly', () => {
  it('fetches the origin URL through the backend named like the origin', async () => {
    const { app, originFetch } = buildApp()
    await app.fetch(
      new Request('https://edge.example/items/1?x=1', {
        headers: { 'x-client': 'yes', connection: 'keep-alive, x-client' },
      })
    )
    const [sent] = originFetch.sent
    expect(sent?.url).toBe('https://origin.example/base/items/1?x=1')
    expect(sent?.init.backend).toBe('origin')
    expect(sent?.init.method).toBe('GET')
    expect(sent?.headers.get('host')).toBe('edge.example')
    expect(sent?.headers.get('via')).toBe('1.1 gripgate')
    expect(sent?.headers.get('x-forwarded-host')).toBe('edge.example')
    // Hop-by-hop, and the fields Connection names, stay behind (RFC 9110 §7.6.1).
    expect(sent?.headers.has('x-client')).toBe(false)
  })

  it('uses the origin’s hostHeader and backend for another route', async () => {
    const { app, originFetch } = buildApp()
    await app.fetch(new Request('https://edge.example/assets/app.js'))
    expect(originFetch.sent[0]?.url).toBe('https://assets.example/assets/app.js')
    expect(originFetch.sent[0]?.init.backend).toBe('assets')
    expect(originFetch.sent[0]?.headers.get('host')).toBe('assets.internal')
  })

  it('goes through the readthrough cache with the HTTP cache hook for GET', async () => {
    const { app, originFetch } = buildApp()
    await app.fetch(new Request('https://edge.example/items/1'))
    expect(overrideOf(originFetch.sent[0])).toMatchObject({ mode: 'override' })
    expect(overrideOf(originFetch.sent[0]).ttl).toBeUndefined()
  })

  it('tags stored responses with Surrogate-Key, Cache-Tag and route keys, keeping Fastly’s own', async () => {
    const { app, originFetch } = buildApp()
    await app.fetch(new Request('https://edge.example/assets/app.js'))
    const candidate: CandidateResponse = {
      headers: new Headers({ 'surrogate-key': 'item-1 items', 'cache-tag': 'app, js' }),
      surrogateKeys: ['f4st1yUrlKey', 'item-1', 'items'],
      ttl: 3600,
      swr: 0,
    }
    expect(runAfterSend(originFetch.sent[0], candidate)).toBeUndefined()
    expect(candidate.surrogateKeys).toEqual([
      'f4st1yUrlKey',
      'item-1',
      'items',
      'app',
      'js',
      'assets',
    ])
    // Route override, in seconds: { ttl: 600, staleWhileRevalidate: 60 }.
    expect([candidate.ttl, candidate.swr]).toEqual([600, 60])
  })

  it('passes the cache for POST, with the body streamed on', async () => {
    const { app, originFetch } = buildApp({
      origin: () => Object.assign(new Response('ok'), { cached: false }),
    })
    const response = await app.fetch(
      new Request('https://edge.example/items/1', { method: 'POST', body: 'change' })
    )
    expect(overrideOf(originFetch.sent[0]).mode).toBe('pass')
    expect(originFetch.sent[0]?.init.body).toBeInstanceOf(ReadableStream)
    expect(response.headers.get('x-cache')).toBe('BYPASS')
  })

  it('hides edge-only fields from the client and says what the cache did', async () => {
    const { app } = buildApp({
      origin: () => {
        const response = new Response('{"id":1}', {
          headers: {
            'content-type': 'application/json',
            'surrogate-key': 'item-1',
            'cache-tag': 'item-1',
            'surrogate-control': 'max-age=60',
            'cdn-cache-control': 'max-age=60',
            etag: '"v1"',
          },
        })
        return Object.assign(response, { cached: true, stale: false })
      },
    })
    const response = await app.fetch(new Request('https://edge.example/items/1'))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('{"id":1}')
    expect(response.headers.get('etag')).toBe('"v1"')
    for (const name of ['surrogate-key', 'cache-tag', 'surrogate-control', 'cdn-cache-control']) {
      expect(response.headers.has(name)).toBe(false)
    }
    expect(response.headers.get('x-cache')).toBe('HIT')
    expect(response.headers.get('cache-status')).toBe('gripgate; hit')
  })

  it.each([
    [{ cached: false }, 'MISS', 'gripgate; fwd=uri-miss'],
    [{ cached: true, stale: true }, 'STALE', 'gripgate; hit; fwd=stale'],
    // Without the HTTP cache hostcalls Fastly says nothing, and neither does the gateway.
    [{}, null, null],
  ])('reports %j as X-Cache %s', async (facts, xCache, cacheStatus) => {
    const { app } = buildApp({ origin: () => Object.assign(new Response('x'), facts) })
    const response = await app.fetch(new Request('https://edge.example/items/1'))
    expect(response.headers.get('x-cache')).toBe(xCache)
    expect(response.headers.get('cache-status')).toBe(cacheStatus)
  })

  it('reports BYPASS on a route with cache false', async () => {
    const { app } = buildApp()
    const token = await signGripSig(GRIP_KEY, 'pushpin', EPOCH)
    const response = await app.fetch(
      new Request('https://edge.example/news/x', { headers: { 'grip-sig': token } })
    )
    expect(response.headers.get('x-cache')).toBe('BYPASS')
    expect(response.headers.get('cache-status')).toBe('gripgate; fwd=bypass')
  })

  it('strips client-sent Grip-* headers from an untrusted request', async () => {
    const { app, originFetch } = buildApp()
    await app.fetch(
      new Request('https://edge.example/items/1', {
        headers: { 'grip-last': 'news; last-id=9', 'grip-feature': 'all' },
      })
    )
    expect([...originFetch.sent[0]!.headers.keys()].filter((n) => n.startsWith('grip-'))).toEqual(
      []
    )
  })

  it('refuses GRIP instructions for a request that was not handed off (502)', async () => {
    const { app } = buildApp({
      origin: () =>
        new Response('{}', { headers: { 'grip-hold': 'response', 'grip-channel': 'news' } }),
    })
    const response = await app.fetch(new Request('https://edge.example/items/1'))
    expect(response.status).toBe(502)
    const problem = await response.json()
    expect(problem.code).toBe('GRIP_NOT_HANDED_OFF')
    expect(problem.detail).toContain('"realtime": true')
  })

  it('returns the origin’s instructions to Fanout on a trusted callback', async () => {
    const { app, originFetch } = buildApp({
      origin: () =>
        new Response('data: hi\n\n', {
          headers: {
            'content-type': 'text/event-stream',
            'grip-hold': 'stream',
            'grip-channel': 'news',
            'surrogate-key': 'news',
          },
        }),
    })
    const token = await signGripSig(GRIP_KEY, 'pushpin', EPOCH)
    const response = await app.fetch(
      new Request('https://edge.example/news/stream', {
        headers: { 'grip-sig': token, 'grip-last': 'news; last-id=3' },
      })
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('grip-hold')).toBe('stream')
    expect(response.headers.get('grip-channel')).toBe('news')
    expect(response.headers.has('surrogate-key')).toBe(false)
    expect(await response.text()).toBe('data: hi\n\n')
    expect(originFetch.sent[0]?.headers.get('grip-last')).toBe('news; last-id=3')
  })
})

describe('createFastlyOrigin failures (the Origin seam)', () => {
  const config = { url: 'https://o.example', timeoutMs: 50 }
  const hints = { name: 'origin', cache: 'origin' as const }
  const get = () => new Request('https://o.example/x')

  it('rejects with OriginTimeoutError, naming the origin, when it is slower than timeoutMs', async () => {
    const origin = createFastlyOrigin(() => new Promise(() => {}))
    const error = await origin.fetch(get(), config, hints).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OriginTimeoutError)
    expect((error as OriginTimeoutError).origin).toBe('origin')
  })

  it('rejects with OriginUnreachableError when the backend cannot be reached', async () => {
    const origin = createFastlyOrigin(async () => {
      throw new TypeError('backend connection refused')
    })
    const error = await origin.fetch(get(), config, hints).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(OriginUnreachableError)
    expect((error as OriginUnreachableError).message).toContain('backend connection refused')
  })

  it('answers 504 and 502 problems through the gateway, naming only the origin', async () => {
    const slow = buildApp({ origin: () => new Promise(() => {}) })
    const late = await slow.app.fetch(new Request('https://edge.example/items/1'))
    expect(late.status).toBe(504)
    expect((await late.json()).code).toBe('ORIGIN_TIMEOUT')
    const down = buildApp({
      origin: () => {
        throw new TypeError('connect ECONNREFUSED 10.0.3.7:9000')
      },
    })
    const refused = await down.app.fetch(new Request('https://edge.example/items/1'))
    expect(refused.status).toBe(502)
    const problem = await refused.json()
    expect(problem.code).toBe('ORIGIN_UNREACHABLE')
    expect(JSON.stringify(problem)).not.toContain('10.0.3.7')
  })

  it('passes a request without a route cache (a bypass)', async () => {
    const fetchFn = recordingFetch(() => new Response('ok'))
    const response = await createFastlyOrigin(fetchFn).fetch(get(), config, { name: 'origin' })
    expect(overrideOf(fetchFn.sent[0]).mode).toBe('pass')
    expect(response.headers.get('x-cache')).toBe('BYPASS')
  })

  it('falls back to plain overrides when the HTTP cache hooks are refused, and stays there', async () => {
    const fetchFn = recordingFetch((sent) => {
      if ((sent.init.cacheOverride as CacheOverride).afterSend) {
        throw new Error(
          'HTTP caching API is not enabled for this service; please contact support for help'
        )
      }
      return new Response('ok')
    })
    const origin = createFastlyOrigin(fetchFn)
    const withKeys = {
      name: 'origin',
      cache: { ttl: 30, staleWhileRevalidate: 5, keys: ['a', 'b'] },
    }
    expect((await origin.fetch(get(), config, withKeys)).status).toBe(200)
    expect((await origin.fetch(get(), config, withKeys)).status).toBe(200)
    const modes = fetchFn.sent.map((sent) => {
      const { mode, ttl, swr, surrogateKey, afterSend } = sent.init.cacheOverride as CacheOverride
      return { mode, ttl, swr, surrogateKey, hook: afterSend !== undefined }
    })
    expect(modes).toEqual([
      { mode: 'override', ttl: undefined, swr: undefined, surrogateKey: undefined, hook: true },
      { mode: 'override', ttl: 30, swr: 5, surrogateKey: 'a b', hook: false },
      { mode: 'override', ttl: 30, swr: 5, surrogateKey: 'a b', hook: false },
    ])
  })
})
