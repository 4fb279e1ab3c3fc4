/**
 * The quick hit (src/cache/quick-hit.ts) must answer exactly as the full RFC 9111 path
 * would: the second request of each case is served by the full path (and prepares the
 * quick answer), the third by the quick one, at the same instant; they must be equal.
 */
import { describe, expect, it } from 'vitest'
import type { PullCacheDeps } from '../../../src/cache/pull-cache.ts'
import { isPlainGet } from '../../../src/cache/quick-hit.ts'
import { storedHitOf } from '../../../src/cache/stored-hit.ts'
import type { OriginConfig } from '../../../src/config/types.ts'
import { isMarkedPlain } from '../../../src/grip/grip-response.ts'
import { forwarderFor } from '../../../src/proxy/forward.ts'
import { EPOCH, FakeClock } from '../../fakes/fake-clock.ts'
import { MemoryOrigin } from '../../fakes/memory-origin.ts'
import { memoryPullCache } from '../../fakes/memory-pull-cache.ts'

const ORIGIN: OriginConfig = { url: 'http://origin.test', timeoutMs: 1000 }
const httpDate = (ms: number) => new Date(ms).toUTCString()

function harness(
  headers: Record<string, string> | [string, string][],
  status = 200,
  options: Pick<PullCacheDeps, 'requestDirectives'> = {}
) {
  const clock = new FakeClock()
  const origin = new MemoryOrigin(
    () => new Response(status === 204 ? null : 'body bytes', { status, headers })
  )
  const cache = memoryPullCache(clock, options)
  const get = async (init: RequestInit = {}) => {
    const request = new Request('http://gw.test/a?q=1', init)
    const response = await cache.handle(request, 'origin', forwarderFor(origin, ORIGIN, request))
    return {
      status: response.status,
      headers: [...response.headers].sort(),
      body: await response.text(),
      /** Served by the quick path. */
      plain: isMarkedPlain(response),
      /** Served by the quick path as a GRIP instruction, marked with its entry. */
      stored: storedHitOf(response) !== undefined,
    }
  }
  return { clock, origin, cache, get }
}

const CASES: { name: string; headers: Record<string, string> | [string, string][] }[] = [
  { name: 'max-age', headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' } },
  { name: 's-maxage over max-age', headers: { 'cache-control': 'max-age=1, s-maxage=300' } },
  { name: 'Expires', headers: { expires: httpDate(EPOCH + 90_000), date: httpDate(EPOCH) } },
  {
    name: 'heuristic from Last-Modified',
    headers: { 'last-modified': httpDate(EPOCH - 10 * 86_400_000), date: httpDate(EPOCH) },
  },
  { name: 'immutable', headers: { 'cache-control': 'max-age=5, immutable' } },
  { name: 'origin Age', headers: { 'cache-control': 'max-age=100', age: '30' } },
  {
    name: 'surrogate keys and targeted fields stripped',
    headers: {
      'cache-control': 'max-age=60',
      'surrogate-key': 'a b',
      'cache-tag': 'c',
      'cdn-cache-control': 'max-age=120',
      'surrogate-control': 'max-age=30',
    },
  },
  { name: 'Vary', headers: { 'cache-control': 'max-age=60', vary: 'accept-encoding' } },
  {
    name: 'Vary naming Host, an empty and a malformed field',
    headers: { 'cache-control': 'max-age=60', vary: 'Accept-Encoding, , Host, x bad' },
  },
  {
    name: 'two Set-Cookie (full path only)',
    headers: [
      ['cache-control', 'public, max-age=60'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ],
  },
  {
    name: 'stale-while-revalidate',
    headers: { 'cache-control': 'max-age=5, stale-while-revalidate=60' },
  },
]

describe('quick cache hits answer as the full path does', () => {
  for (const { name, headers } of CASES) {
    it(name, async () => {
      const h = harness(headers)
      const init = { headers: { 'accept-encoding': 'gzip' } }
      expect((await h.get(init)).headers).toContainEqual(['x-cache', 'MISS'])
      for (const wait of [0, 1_000, 1_700]) {
        h.clock.advance(wait)
        const full = await h.get(init)
        const quick = await h.get(init)
        expect(quick).toEqual({ ...full, plain: quick.plain, stored: false })
      }
      expect(h.origin.requests).toHaveLength(1)
    })
  }

  it('answers quick only the variant the request matches', async () => {
    const h = harness({ 'cache-control': 'max-age=60', vary: 'accept-encoding' })
    const gzip = { headers: { 'accept-encoding': 'gzip' } }
    await h.get(gzip)
    await h.get(gzip)
    expect((await h.get(gzip)).plain).toBe(true)
    const other = await h.get({ headers: { 'accept-encoding': 'br' } })
    expect(other.headers).toContainEqual(['x-cache', 'MISS'])
    expect(h.origin.requests).toHaveLength(2)
  })

  it('stops answering quick once the entry is stale', async () => {
    const h = harness({ 'cache-control': 'max-age=10' })
    await h.get()
    await h.get()
    expect((await h.get()).plain).toBe(true)
    h.clock.advance(9_999)
    expect((await h.get()).headers).toContainEqual(['cache-status', 'gripgate; hit; ttl=0'])
    h.clock.advance(1)
    const after = await h.get()
    expect(after.headers).toContainEqual(['x-cache', 'MISS'])
    expect(h.origin.requests).toHaveLength(2)
  })

  it('stops answering quick after a soft purge, and after a hard one', async () => {
    const h = harness({ 'cache-control': 'max-age=60', 'surrogate-key': 'k' })
    await h.get()
    await h.get()
    await h.cache.purge(['k'], true)
    expect((await h.get()).headers).not.toContainEqual(['x-cache', 'HIT'])
    await h.get()
    await h.get()
    await h.cache.purge(['k'], false)
    expect((await h.get()).headers).toContainEqual(['x-cache', 'MISS'])
  })

  it('leaves no-cache responses to the full path', async () => {
    const h = harness({ 'cache-control': 'max-age=60, no-cache' })
    await h.get()
    await h.get()
    expect(await h.get()).toMatchObject({ plain: false, stored: false })
  })

  // Issue #15: a cached hold skips the RFC 9111 work; the GRIP step acts on the answer.
  it.each<Record<string, string>>([
    { 'cache-control': 'max-age=60', 'grip-hold': 'stream', 'grip-channel': 'c' },
    { 'cache-control': 'max-age=60', 'content-type': 'application/grip-instruct' },
  ])(
    'answers the GRIP instruction %j quick to the gateway only, marked with its entry',
    async (headers) => {
      const h = harness(headers)
      await h.get()
      h.clock.advance(1_500)
      const full = await h.get()
      const quick = await h.get()
      expect(full).toMatchObject({ plain: false, stored: false })
      expect(quick).toEqual({ ...full, stored: true })
      // The front door never writes an instruction to a client.
      expect(await h.cache.quickLookup('gw.test', '/a?q=1', { host: 'gw.test' })).toBe(
        'instruction'
      )
      expect(h.origin.requests).toHaveLength(1)
    }
  )

  // Issue #12 item 13: a client's directives are ignored by default, by both paths alike.
  it.each<Record<string, string>>([
    { 'cache-control': 'no-cache' },
    { 'cache-control': 'max-age=0, no-store' },
    { pragma: 'no-cache' },
  ])('answers %j quick, as the full path does, when directives are ignored', async (extra) => {
    const h = harness({ 'cache-control': 'max-age=60', 'content-type': 'text/plain' })
    const init = { headers: { 'accept-encoding': 'gzip', ...extra } }
    await h.get(init)
    h.clock.advance(1_000)
    const full = await h.get(init)
    const quick = await h.get(init)
    expect(quick.plain).toBe(true)
    expect(quick).toEqual({ ...full, plain: true })
    const front = await h.cache.quickLookup('gw.test', '/a?q=1', {
      host: 'gw.test',
      'accept-encoding': 'gzip',
      ...extra,
    })
    expect(front === 'instruction' ? front : front?.headers['x-cache']).toBe('HIT')
    expect(h.origin.requests).toHaveLength(1)
  })

  it('leaves requests with directives to the full path when they are honoured', async () => {
    const h = harness({ 'cache-control': 'max-age=60' }, 200, { requestDirectives: 'honor' })
    const init = { headers: { 'cache-control': 'no-cache' } }
    await h.get()
    await h.get()
    expect((await h.get()).plain).toBe(true)
    const reload = await h.get(init)
    expect(reload.plain).toBe(false)
    expect(reload.headers).toContainEqual(['x-cache', 'MISS'])
    const front = h.cache.quickLookup('gw.test', '/a?q=1', {
      host: 'gw.test',
      'cache-control': 'no-cache',
    })
    expect(front).toBe(undefined)
    expect(h.origin.requests).toHaveLength(2)
  })

  it('leaves 204 responses to the full path', async () => {
    const h = harness({ 'cache-control': 'max-age=60' }, 204)
    await h.get()
    await h.get()
    const third = await h.get()
    expect(third.status).toBe(204)
    expect(third.plain).toBe(false)
  })
})

describe('isPlainGet', () => {
  it.each([
    ['GET', {}, true],
    ['HEAD', {}, false],
    ['GET', { 'cache-control': 'max-age=0' }, false],
    ['GET', { pragma: 'no-cache' }, false],
    ['GET', { range: 'bytes=0-1' }, false],
    ['GET', { 'if-none-match': '"x"' }, false],
    ['GET', { 'if-modified-since': httpDate(EPOCH) }, false],
    ['GET', { accept: 'text/plain', authorization: 'Bearer x' }, true],
  ])('%s %j → %s', (method, headers, want) => {
    expect(isPlainGet(method, { url: '/', method: 'GET', headers })).toBe(want)
  })
})
