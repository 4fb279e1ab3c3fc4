import { describe, expect, it } from 'vitest'
import { OriginUnreachableError } from '../../../src/platform.ts'
import { EPOCH } from '../../fakes/fake-clock.ts'
import type { OriginHandler } from '../../fakes/memory-origin.ts'
import { type Answer, deferred, harness, resource } from '../../helpers/pull-cache-harness.ts'

const SECOND = 1000
const DAY = 86_400 * SECOND
const httpDate = (ms: number) => new Date(ms).toUTCString()

const xCaches = (answers: Answer[]) => answers.map((answer) => answer.xCache)

describe('PullCache freshness (RFC 9111 §4.2)', () => {
  it('answers a fresh stored response without reaching the origin', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', 'content-type': 'text/plain' }))
    const miss = await h.send('/items')
    expect(miss.status).toBe(200)
    expect(miss.body).toBe('hello')
    expect(miss.xCache).toBe('MISS')
    expect(miss.cacheStatus).toBe('gripgate; fwd=uri-miss; fwd-status=200; stored')
    h.advance(59)
    const hit = await h.send('/items')
    expect(hit.status).toBe(200)
    expect(hit.body).toBe('hello')
    expect(hit.xCache).toBe('HIT')
    expect(hit.cacheStatus).toBe('gripgate; hit; ttl=1')
    expect(hit.headers.get('content-type')).toBe('text/plain')
    expect(hit.headers.get('cache-control')).toBe('max-age=60')
    expect(h.origin.count).toBe(1)
  })

  it('keys on host, path and query', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }))
    await h.send('/items?page=1')
    await h.send('/items?page=2')
    await h.send('http://other.test/items?page=1')
    expect(xCaches([await h.send('/items?page=1')])).toEqual(['HIT'])
    expect(h.origin.requests.map((r) => r.url)).toEqual([
      'http://origin.test/items?page=1',
      'http://origin.test/items?page=2',
      'http://origin.test/items?page=1',
    ])
    expect(h.origin.requests.map((r) => r.headers.get('host'))).toEqual([
      'gw.test',
      'gw.test',
      'other.test',
    ])
  })

  it('goes back to the origin once max-age has passed', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }))
    await h.send('/items')
    h.advance(60)
    const again = await h.send('/items')
    expect(again.xCache).toBe('MISS')
    expect(h.origin.count).toBe(2)
    expect(h.origin.last.headers.has('if-none-match')).toBe(false)
  })

  it('lets s-maxage beat max-age in a shared cache', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=10, s-maxage=100' }))
    await h.send('/items')
    h.advance(99)
    const hit = await h.send('/items')
    expect(hit.xCache).toBe('HIT')
    expect(hit.cacheStatus).toBe('gripgate; hit; ttl=1')
    expect(hit.headers.get('cache-control')).toBe('max-age=10, s-maxage=100')
    h.advance(1)
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(h.origin.count).toBe(2)
  })

  it('obeys Expires relative to Date', async () => {
    const h = harness(resource({ date: httpDate(EPOCH), expires: httpDate(EPOCH + 120 * SECOND) }))
    await h.send('/items')
    h.advance(119)
    expect((await h.send('/items')).xCache).toBe('HIT')
    h.advance(1)
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(h.origin.count).toBe(2)
  })

  it('treats an invalid Expires as already expired', async () => {
    const h = harness(resource({ expires: '0' }))
    await h.send('/items')
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(h.origin.count).toBe(2)
  })

  it('gives a response with only Last-Modified a heuristic lifetime of 10% of its age', async () => {
    const lastModified = httpDate(EPOCH - 10 * DAY)
    const h = harness(resource({ date: httpDate(EPOCH), 'last-modified': lastModified }))
    await h.send('/items')
    h.clock.advance(DAY - SECOND)
    const hit = await h.send('/items')
    expect(hit.xCache).toBe('HIT')
    expect(hit.headers.get('age')).toBe('86399')
    h.clock.advance(SECOND)
    const revalidated = await h.send('/items')
    expect(revalidated.xCache).toBe('REVALIDATED')
    expect(h.origin.last.headers.get('if-modified-since')).toBe(lastModified)
    expect(h.origin.count).toBe(2)
  })

  it('does not store a response without any freshness information for reuse', async () => {
    const h = harness(resource({ 'content-type': 'text/plain' }))
    await h.send('/items')
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(h.origin.count).toBe(2)
  })

  it('reports a growing Age on hits, counting the Age the origin sent', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', age: '10' }))
    const miss = await h.send('/items')
    expect(miss.headers.get('age')).toBe('10')
    const ages: (string | null)[] = []
    const statuses: (string | null)[] = []
    for (const step of [0, 7, 30]) {
      h.advance(step)
      const hit = await h.send('/items')
      ages.push(hit.headers.get('age'))
      statuses.push(hit.cacheStatus)
    }
    expect(ages).toEqual(['10', '17', '47'])
    expect(statuses).toEqual([
      'gripgate; hit; ttl=50',
      'gripgate; hit; ttl=43',
      'gripgate; hit; ttl=13',
    ])
    h.clock.advance(12_900)
    expect((await h.send('/items')).headers.get('age')).toBe('59')
  })
})

describe('PullCache storing (RFC 9111 §3)', () => {
  it.each<[string, Record<string, string>]>([
    ['private', { 'cache-control': 'private, max-age=60' }],
    ['no-store', { 'cache-control': 'no-store, max-age=60' }],
    ['Vary: *', { 'cache-control': 'max-age=60', vary: '*' }],
    ['a status not understood', { 'cache-control': 'max-age=60', 'x-status': '206' }],
  ])('never stores %s', async (_name, headers) => {
    const h = harness((request) => {
      const status = Number(headers['x-status'] ?? 200)
      return new Response(`for ${request.headers.get('x-user')}`, { status, headers })
    })
    const first = await h.send('/me', { headers: { 'x-user': 'alice' } })
    const second = await h.send('/me', { headers: { 'x-user': 'bob' } })
    expect(xCaches([first, second])).toEqual(['MISS', 'MISS'])
    expect([first.body, second.body]).toEqual(['for alice', 'for bob'])
    expect(second.cacheStatus).toBe(`gripgate; fwd=uri-miss; fwd-status=${first.status}`)
    expect(h.origin.count).toBe(2)
    expect(h.store.size).toBe(0)
  })

  it('stores a response to a request with no-store never, when honoured', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }), { requestDirectives: 'honor' })
    await h.send('/items', { headers: { 'cache-control': 'no-store' } })
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(h.store.size).toBe(1)
  })

  it('does not store a response to an authorized request unless it says public', async () => {
    const h = harness((request) =>
      request.url.endsWith('/public')
        ? new Response('shared', { headers: { 'cache-control': 'public, max-age=60' } })
        : new Response('mine', { headers: { 'cache-control': 'max-age=60' } })
    )
    const auth = { headers: { authorization: 'Bearer t' } }
    await h.send('/mine', auth)
    await h.send('/public', auth)
    expect(xCaches([await h.send('/mine', auth), await h.send('/public')])).toEqual(['MISS', 'HIT'])
  })

  it('streams a body larger than maxObjectBytes (by Content-Length) through unstored', async () => {
    const big = 'x'.repeat(2000)
    const h = harness(resource({ 'cache-control': 'max-age=60', 'content-length': '2000' }, big), {
      maxObjectBytes: 1024,
    })
    const first = await h.send('/big')
    expect(first.body).toBe(big)
    expect(first.cacheStatus).toBe('gripgate; fwd=uri-miss; fwd-status=200')
    const second = await h.send('/big')
    expect(second.xCache).toBe('MISS')
    expect(second.body).toBe(big)
    expect(h.origin.count).toBe(2)
    expect(h.store.size).toBe(0)
  })

  it('streams a body larger than maxObjectBytes (counted while streaming) through unstored', async () => {
    const chunk = new TextEncoder().encode('y'.repeat(600))
    const h = harness(
      () => {
        let sent = 0
        const body = new ReadableStream<Uint8Array>({
          pull(controller) {
            if (sent++ < 3) controller.enqueue(chunk)
            else controller.close()
          },
        })
        return new Response(body, { headers: { 'cache-control': 'max-age=60' } })
      },
      { maxObjectBytes: 1024 }
    )
    const first = await h.send('/big')
    expect(first.body).toBe('y'.repeat(1800))
    const second = await h.send('/big')
    expect(second.xCache).toBe('MISS')
    expect(second.body).toBe('y'.repeat(1800))
    expect(h.origin.count).toBe(2)
    expect(h.store.size).toBe(0)
  })

  it('stores a body at maxObjectBytes', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }, 'z'.repeat(1024)), {
      maxObjectBytes: 1024,
    })
    await h.send('/edge')
    const hit = await h.send('/edge')
    expect(hit.xCache).toBe('HIT')
    expect(hit.body).toBe('z'.repeat(1024))
  })

  it('does not store a response whose client went away mid-body', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }))
    const response = await h.start('/items')
    await response.body?.cancel()
    await h.settle()
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(h.origin.count).toBe(2)
  })
})

describe('PullCache revalidation (RFC 9111 §4.3)', () => {
  it('revalidates with If-None-Match; a 304 refreshes the stored response', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"' }))
    await h.send('/items')
    h.advance(61)
    const revalidated = await h.send('/items')
    expect(revalidated.status).toBe(200)
    expect(revalidated.body).toBe('hello')
    expect(revalidated.xCache).toBe('REVALIDATED')
    expect(revalidated.cacheStatus).toBe('gripgate; fwd=stale; fwd-status=304; ttl=60')
    expect(revalidated.headers.get('age')).toBe('0')
    expect(h.origin.last.headers.get('if-none-match')).toBe('"v1"')
    h.advance(59)
    const hit = await h.send('/items')
    expect(hit.xCache).toBe('HIT')
    expect(hit.headers.get('age')).toBe('59')
    expect(h.origin.count).toBe(2)
  })

  it('takes the new header values a 304 carries', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"', 'x-rev': '1' }))
    await h.send('/items')
    h.advance(61)
    h.origin.setHandler(resource({ 'cache-control': 'max-age=300', etag: '"v1"', 'x-rev': '2' }))
    const revalidated = await h.send('/items')
    expect(revalidated.headers.get('x-rev')).toBe('2')
    expect(revalidated.headers.get('cache-control')).toBe('max-age=300')
    h.advance(299)
    const hit = await h.send('/items')
    expect(hit.xCache).toBe('HIT')
    expect(hit.headers.get('x-rev')).toBe('2')
    expect(hit.body).toBe('hello')
    expect(h.origin.count).toBe(2)
  })

  it('revalidates with If-Modified-Since when only Last-Modified is known', async () => {
    const lastModified = httpDate(EPOCH - DAY)
    const h = harness(resource({ 'cache-control': 'max-age=60', 'last-modified': lastModified }))
    await h.send('/items')
    h.advance(61)
    const revalidated = await h.send('/items')
    expect(revalidated.xCache).toBe('REVALIDATED')
    expect(h.origin.last.headers.get('if-modified-since')).toBe(lastModified)
    expect(h.origin.last.headers.has('if-none-match')).toBe(false)
  })

  it('replaces the stored response when the origin answers 200', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"' }, 'v1'))
    await h.send('/items')
    h.advance(61)
    h.origin.setHandler(resource({ 'cache-control': 'max-age=60', etag: '"v2"' }, 'v2'))
    const changed = await h.send('/items')
    expect(changed.xCache).toBe('MISS')
    expect(changed.body).toBe('v2')
    expect(h.origin.last.headers.get('if-none-match')).toBe('"v1"')
    const hit = await h.send('/items')
    expect([hit.xCache, hit.body]).toEqual(['HIT', 'v2'])
    expect(h.store.size).toBe(1)
  })

  it('fetches the whole response again when a 304 names another representation', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"' }, 'v1'))
    await h.send('/items')
    h.advance(61)
    h.origin.setHandler((request) =>
      request.headers.has('if-none-match')
        ? new Response(null, { status: 304, headers: { etag: '"v2"' } })
        : new Response('v2', { headers: { 'cache-control': 'max-age=60', etag: '"v2"' } })
    )
    const answer = await h.send('/items')
    expect([answer.xCache, answer.body]).toEqual(['MISS', 'v2'])
    expect(h.origin.requests.map((r) => r.headers.get('if-none-match'))).toEqual([
      null,
      '"v1"',
      null,
    ])
  })

  it('always revalidates a no-cache response', async () => {
    const h = harness(resource({ 'cache-control': 'no-cache', etag: '"v1"' }))
    await h.send('/items')
    const answers = [await h.send('/items'), await h.send('/items')]
    expect(xCaches(answers)).toEqual(['REVALIDATED', 'REVALIDATED'])
    expect(answers.map((a) => a.body)).toEqual(['hello', 'hello'])
    expect(h.origin.count).toBe(3)
    expect(h.origin.last.headers.get('if-none-match')).toBe('"v1"')
  })

  it.each([
    ['Cache-Control: no-cache', { 'cache-control': 'no-cache' }],
    ['Cache-Control: max-age=0', { 'cache-control': 'max-age=0' }],
    ['Pragma: no-cache', { pragma: 'no-cache' }],
  ])('goes to the origin for a request with %s, when honoured', async (_name, headers) => {
    const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"' }), {
      requestDirectives: 'honor',
    })
    await h.send('/items')
    // A request max-age=0 accepts an entry of age 0 (RFC 9111 §5.2.1.1), so let it age.
    h.advance(1)
    const reload = await h.send('/items', { headers })
    expect(reload.xCache).toBe('REVALIDATED')
    expect(h.origin.count).toBe(2)
    expect(h.origin.last.headers.get('if-none-match')).toBe('"v1"')
    expect((await h.send('/items')).xCache).toBe('HIT')
  })
})

describe('PullCache request directives (issue #12 item 13)', () => {
  // What a client may send to force the origin, or to skip the cache, on its own request.
  const BYPASSES: [string, Record<string, string>][] = [
    ['Cache-Control: no-cache', { 'cache-control': 'no-cache' }],
    ['Cache-Control: max-age=0', { 'cache-control': 'max-age=0' }],
    ['Cache-Control: no-store', { 'cache-control': 'no-store' }],
    ['Cache-Control: min-fresh=3600', { 'cache-control': 'min-fresh=3600' }],
    ['Pragma: no-cache', { pragma: 'no-cache' }],
    ['Cache-Control: no-cache with Pragma', { 'cache-control': 'no-cache', pragma: 'no-cache' }],
  ]

  it.each(BYPASSES)(
    'serves a fresh hit whatever the client sends (%s), by default',
    async (_n, headers) => {
      const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"' }))
      await h.send('/items')
      h.advance(1)
      for (let i = 0; i < 5; i++) expect((await h.send('/items', { headers })).xCache).toBe('HIT')
      expect(h.origin.count).toBe(1)
    }
  )

  it.each(BYPASSES)(
    'stores a miss whatever the client sends (%s), by default',
    async (_n, headers) => {
      const h = harness(resource({ 'cache-control': 'max-age=60' }))
      expect((await h.send('/items', { headers })).xCache).toBe('MISS')
      expect((await h.send('/items')).xCache).toBe('HIT')
      expect(h.origin.count).toBe(1)
    }
  )

  it('does not serve stale for a client max-stale, by default', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"' }))
    await h.send('/items')
    h.advance(120)
    const answer = await h.send('/items', { headers: { 'cache-control': 'max-stale=3600' } })
    expect(answer.xCache).toBe('REVALIDATED')
  })

  it('collapses a no-cache miss onto one already at the origin, by default', async () => {
    const gate = deferred()
    const h = harness(async () => {
      await gate.promise
      return new Response('once', { headers: { 'cache-control': 'max-age=60' } })
    })
    const first = h.start('/items').then(h.read)
    await new Promise((resolve) => setTimeout(resolve, 0))
    const second = h.start('/items', { headers: { 'cache-control': 'no-cache' } }).then(h.read)
    gate.resolve()
    const answers = await Promise.all([first, second])
    expect(answers.map((a) => a.body)).toEqual(['once', 'once'])
    expect(h.origin.count).toBe(1)
  })
})

describe('PullCache Vary (RFC 9111 §4.1)', () => {
  const byLanguage: OriginHandler = (request) =>
    new Response(`lang:${request.headers.get('accept-language') ?? '-'}`, {
      headers: { 'cache-control': 'max-age=60', vary: 'Accept-Language' },
    })

  it('keeps a variant per value of the fields Vary names', async () => {
    const h = harness(byLanguage)
    const lang = (value?: string) =>
      h.send('/items', value ? { headers: { 'accept-language': value } } : {})
    const answers = [
      await lang('en'),
      await lang('fr'),
      await lang('en'),
      await lang('fr'),
      await lang(),
      await lang(),
    ]
    expect(answers.map((a) => `${a.xCache} ${a.body}`)).toEqual([
      'MISS lang:en',
      'MISS lang:fr',
      'HIT lang:en',
      'HIT lang:fr',
      'MISS lang:-',
      'HIT lang:-',
    ])
    expect(h.origin.count).toBe(3)
    expect(h.store.size).toBe(3)
  })

  it('ignores fields Vary does not name', async () => {
    const h = harness(byLanguage)
    await h.send('/items', { headers: { 'accept-language': 'en', 'user-agent': 'a' } })
    const hit = await h.send('/items', { headers: { 'accept-language': 'en', 'user-agent': 'b' } })
    expect([hit.xCache, hit.body]).toEqual(['HIT', 'lang:en'])
  })

  it('never reuses a Vary: * response', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', vary: '*' }))
    const answers = [await h.send('/items'), await h.send('/items'), await h.send('/items')]
    expect(xCaches(answers)).toEqual(['MISS', 'MISS', 'MISS'])
    expect(h.origin.count).toBe(3)
  })
})

describe('PullCache client conditionals (RFC 9110 §13)', () => {
  const etagged = resource({
    'cache-control': 'max-age=60',
    etag: '"v1"',
    'content-length': '5',
    'content-type': 'text/plain',
  })

  it('answers a matching If-None-Match with 304 from the cache', async () => {
    const h = harness(etagged)
    await h.send('/items')
    const answer = await h.send('/items', { headers: { 'if-none-match': '"v0", "v1"' } })
    expect(answer.status).toBe(304)
    expect(answer.body).toBe('')
    expect(answer.xCache).toBe('HIT')
    expect(answer.headers.get('etag')).toBe('"v1"')
    expect(answer.headers.has('content-length')).toBe(false)
    expect(h.origin.count).toBe(1)
  })

  it('answers a non-matching If-None-Match with the full response', async () => {
    const h = harness(etagged)
    await h.send('/items')
    const answer = await h.send('/items', { headers: { 'if-none-match': '"v0"' } })
    expect([answer.status, answer.body, answer.xCache]).toEqual([200, 'hello', 'HIT'])
  })

  it('answers If-Modified-Since from the cache', async () => {
    const lastModified = httpDate(EPOCH - DAY)
    const h = harness(resource({ 'cache-control': 'max-age=60', 'last-modified': lastModified }))
    await h.send('/items')
    const since = await h.send('/items', { headers: { 'if-modified-since': httpDate(EPOCH) } })
    const before = await h.send('/items', {
      headers: { 'if-modified-since': httpDate(EPOCH - 2 * DAY) },
    })
    expect([since.status, before.status]).toEqual([304, 200])
    expect(h.origin.count).toBe(1)
  })

  it('asks the origin unconditionally on a miss, stores, and answers the client 304', async () => {
    const h = harness(etagged)
    const answer = await h.send('/items', { headers: { 'if-none-match': '"v1"' } })
    expect([answer.status, answer.body, answer.xCache]).toEqual([304, '', 'MISS'])
    expect(h.origin.last.headers.has('if-none-match')).toBe(false)
    const hit = await h.send('/items')
    expect([hit.status, hit.body, hit.xCache]).toEqual([200, 'hello', 'HIT'])
    expect(h.origin.count).toBe(1)
  })

  it('answers a matching conditional 304 after a revalidation', async () => {
    const h = harness(etagged)
    await h.send('/items')
    h.advance(61)
    const answer = await h.send('/items', { headers: { 'if-none-match': '"v1"' } })
    expect([answer.status, answer.xCache]).toEqual([304, 'REVALIDATED'])
    expect(h.origin.last.headers.get('if-none-match')).toBe('"v1"')
  })
})

describe('PullCache targeted fields (RFC 9213, Surrogate-Control)', () => {
  const EDGE_ONLY = ['surrogate-control', 'cdn-cache-control', 'surrogate-key', 'cache-tag']
  const edgeOnly = (headers: Headers) => EDGE_ONLY.filter((name) => headers.has(name))

  it('lets Surrogate-Control beat Cache-Control and strips it from the client response', async () => {
    const h = harness(
      resource({
        'cache-control': 'no-store',
        'surrogate-control': 'max-age=300',
        'surrogate-key': 'item-1 items',
      })
    )
    const miss = await h.send('/items')
    expect(miss.cacheStatus).toBe('gripgate; fwd=uri-miss; fwd-status=200; stored')
    h.advance(299)
    const hit = await h.send('/items')
    expect(hit.xCache).toBe('HIT')
    expect(hit.headers.get('cache-control')).toBe('no-store')
    expect(edgeOnly(miss.headers)).toEqual([])
    expect(edgeOnly(hit.headers)).toEqual([])
    h.advance(1)
    expect((await h.send('/items')).xCache).toBe('MISS')
  })

  it('lets CDN-Cache-Control beat Cache-Control and strips it and Cache-Tag', async () => {
    const h = harness(
      resource({
        'cache-control': 'private, max-age=5',
        'cdn-cache-control': 'max-age=120',
        'cache-tag': 'item-1,items',
      })
    )
    const miss = await h.send('/items')
    h.advance(100)
    const hit = await h.send('/items')
    expect(hit.xCache).toBe('HIT')
    expect(hit.headers.get('cache-control')).toBe('private, max-age=5')
    expect(edgeOnly(miss.headers)).toEqual([])
    expect(edgeOnly(hit.headers)).toEqual([])
  })

  it('falls back to Cache-Control when the targeted field is empty', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', 'cdn-cache-control': '' }))
    await h.send('/items')
    const hit = await h.send('/items')
    expect(hit.xCache).toBe('HIT')
    expect(hit.headers.has('cdn-cache-control')).toBe(false)
  })

  it('lets CDN-Cache-Control beat Surrogate-Control', async () => {
    const h = harness(
      resource({ 'cdn-cache-control': 'no-store', 'surrogate-control': 'max-age=300' })
    )
    await h.send('/items')
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(h.store.size).toBe(0)
  })

  it('strips the edge-only fields when bypassing too', async () => {
    const h = harness(resource({ 'surrogate-control': 'max-age=300', 'surrogate-key': 'a' }))
    const answer = await h.send('/items', {}, false)
    expect(edgeOnly(answer.headers)).toEqual([])
  })
})

describe('PullCache stale-while-revalidate (RFC 5861 §3)', () => {
  const swr = { 'cache-control': 'max-age=60, stale-while-revalidate=30' }

  it('serves STALE at once and refreshes in the background', async () => {
    const h = harness(resource({ ...swr, etag: '"v1"' }, 'v1'))
    await h.send('/items')
    h.advance(70)
    const gate = deferred()
    h.origin.setHandler(async (request) => {
      await gate.promise
      return resource({ ...swr, etag: '"v2"' }, 'v2')(request)
    })
    const stale = await h.read(await h.start('/items'))
    expect([stale.xCache, stale.body]).toEqual(['STALE', 'v1'])
    expect(stale.cacheStatus).toBe('gripgate; hit; fwd=stale; ttl=0')
    expect(stale.headers.get('age')).toBe('70')
    expect(h.origin.count).toBe(2)
    expect(h.origin.last.headers.get('if-none-match')).toBe('"v1"')

    // A second stale request while the refresh is out does not start another.
    const again = await h.read(await h.start('/items'))
    expect([again.xCache, again.body]).toEqual(['STALE', 'v1'])
    expect(h.origin.count).toBe(2)

    gate.resolve()
    await h.settle()
    const hit = await h.send('/items')
    expect([hit.xCache, hit.body, hit.headers.get('age')]).toEqual(['HIT', 'v2', '0'])
    expect(h.origin.count).toBe(2)
  })

  it('refreshes with a 304 in the background', async () => {
    const h = harness(resource({ ...swr, etag: '"v1"' }))
    await h.send('/items')
    h.advance(70)
    expect((await h.send('/items')).xCache).toBe('STALE')
    const hit = await h.send('/items')
    expect([hit.xCache, hit.headers.get('age')]).toEqual(['HIT', '0'])
    expect(h.origin.count).toBe(2)
  })

  it('revalidates synchronously past the stale-while-revalidate window', async () => {
    const h = harness(resource({ ...swr, etag: '"v1"' }))
    await h.send('/items')
    h.advance(90)
    expect((await h.send('/items')).xCache).toBe('REVALIDATED')
    expect(h.background.length).toBe(0)
  })

  it('logs a failed background refresh and keeps serving stale', async () => {
    const h = harness(resource({ ...swr, etag: '"v1"' }))
    await h.send('/items')
    h.advance(70)
    h.origin.setState('unreachable')
    const stale = await h.send('/items')
    expect([stale.xCache, stale.body]).toEqual(['STALE', 'hello'])
    expect(h.logger.records).toEqual([
      {
        level: 'warn',
        msg: 'background revalidation failed',
        fields: {
          key: 'gw.test/items',
          error:
            'OriginUnreachableError: origin http://origin.test unreachable: connection refused',
        },
      },
    ])
    h.origin.setState('up')
    expect((await h.send('/items')).xCache).toBe('STALE')
    expect((await h.send('/items')).xCache).toBe('HIT')
    expect(h.origin.count).toBe(3)
  })
})

describe('PullCache stale-if-error (RFC 5861 §4)', () => {
  const sie = { 'cache-control': 'max-age=60, stale-if-error=300', etag: '"v1"' }

  it('serves stale when the origin answers 500', async () => {
    const h = harness(resource(sie))
    await h.send('/items')
    h.advance(120)
    h.origin.setHandler(() => new Response('boom', { status: 500 }))
    const stale = await h.send('/items')
    expect([stale.status, stale.body, stale.xCache]).toEqual([200, 'hello', 'STALE'])
    expect(stale.cacheStatus).toBe('gripgate; hit; fwd=stale; fwd-status=500; ttl=0')
    expect(stale.headers.get('age')).toBe('120')
  })

  it.each(['unreachable', 'slow'] as const)('serves stale when the origin is %s', async (state) => {
    const h = harness(resource(sie))
    await h.send('/items')
    h.advance(120)
    h.origin.setState(state)
    const stale = await h.send('/items')
    expect([stale.status, stale.body, stale.xCache]).toEqual([200, 'hello', 'STALE'])
    expect(stale.cacheStatus).toBe('gripgate; hit; fwd=stale; ttl=0')
    expect(h.origin.count).toBe(2)
  })

  it('passes the error on past the stale-if-error window', async () => {
    const h = harness(resource(sie))
    await h.send('/items')
    h.advance(360)
    h.origin.setHandler(() => new Response('boom', { status: 500 }))
    const failed = await h.send('/items')
    expect([failed.status, failed.body, failed.xCache]).toEqual([500, 'boom', 'MISS'])
    // Disconnected is different (RFC 9111 §4.2.4): stale may answer unless forbidden.
    h.origin.setState('unreachable')
    expect((await h.send('/items')).xCache).toBe('STALE')
  })

  it('passes an unreachable origin on when must-revalidate forbids stale answers', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60, must-revalidate', etag: '"v1"' }))
    await h.send('/items')
    h.advance(61)
    h.origin.setState('unreachable')
    await expect(h.start('/items')).rejects.toBeInstanceOf(OriginUnreachableError)
  })

  it('passes an unreachable origin on when the origin set s-maxage', async () => {
    const h = harness(resource({ 'cache-control': 's-maxage=60', etag: '"v1"' }))
    await h.send('/items')
    h.advance(61)
    h.origin.setState('unreachable')
    await expect(h.start('/items')).rejects.toBeInstanceOf(OriginUnreachableError)
  })

  it('passes a 500 on without stale-if-error', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60', etag: '"v1"' }))
    await h.send('/items')
    h.advance(61)
    h.origin.setHandler(() => new Response('boom', { status: 503 }))
    const failed = await h.send('/items')
    expect([failed.status, failed.body]).toEqual([503, 'boom'])
  })

  it('takes stale-if-error from a route override', async () => {
    const h = harness(resource({ etag: '"v1"' }))
    const route = { ttl: 10, staleIfError: 60 }
    await h.send('/items', {}, route)
    h.advance(30)
    h.origin.setState('unreachable')
    expect((await h.send('/items', {}, route)).xCache).toBe('STALE')
  })
})

describe('PullCache must-revalidate (RFC 9111 §5.2.2.2)', () => {
  const strict = {
    'cache-control': 'max-age=60, must-revalidate, stale-while-revalidate=30, stale-if-error=300',
    etag: '"v1"',
  }

  it('serves a fresh must-revalidate response from the cache', async () => {
    const h = harness(resource(strict))
    await h.send('/items')
    h.advance(59)
    expect((await h.send('/items')).xCache).toBe('HIT')
    expect(h.origin.count).toBe(1)
  })

  it('revalidates instead of serving stale-while-revalidate', async () => {
    const h = harness(resource(strict))
    await h.send('/items')
    h.advance(61)
    expect((await h.send('/items')).xCache).toBe('REVALIDATED')
  })

  it('passes an origin 500 on instead of serving stale', async () => {
    const h = harness(resource(strict))
    await h.send('/items')
    h.advance(61)
    h.origin.setHandler(() => new Response('boom', { status: 500 }))
    const failed = await h.send('/items')
    expect([failed.status, failed.body, failed.xCache]).toEqual([500, 'boom', 'MISS'])
  })

  it('fails instead of serving stale when the origin is unreachable', async () => {
    const h = harness(resource(strict))
    await h.send('/items')
    h.advance(61)
    h.origin.setState('unreachable')
    await expect(h.start('/items')).rejects.toBeInstanceOf(OriginUnreachableError)
  })

  it('treats proxy-revalidate the same in a shared cache', async () => {
    const h = harness(
      resource({ 'cache-control': 'max-age=60, proxy-revalidate, stale-if-error=300', etag: '"a"' })
    )
    await h.send('/items')
    expect((await h.send('/items')).xCache).toBe('HIT')
    h.advance(61)
    h.origin.setState('unreachable')
    await expect(h.start('/items')).rejects.toBeInstanceOf(OriginUnreachableError)
  })
})

describe('PullCache route cache settings', () => {
  it('bypasses the cache for cache: false', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }))
    const answers = [await h.send('/items', {}, false), await h.send('/items', {}, false)]
    expect(xCaches(answers)).toEqual(['BYPASS', 'BYPASS'])
    expect(answers[1]?.cacheStatus).toBe('gripgate; fwd=bypass')
    expect(h.origin.count).toBe(2)
    expect(h.store.size).toBe(0)
  })

  it('does not answer a cache: false route from what another route stored', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }))
    await h.send('/items')
    expect((await h.send('/items', {}, false)).xCache).toBe('BYPASS')
    expect(h.origin.count).toBe(2)
  })

  it('forwards HEAD as HEAD when bypassing', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }))
    await h.send('/items', { method: 'HEAD' }, false)
    expect(h.origin.last.method).toBe('HEAD')
  })

  it('caches a response without Cache-Control for the override ttl', async () => {
    const h = harness(resource({ 'content-type': 'text/plain' }))
    const route = { ttl: 120 }
    const miss = await h.send('/items', {}, route)
    expect(miss.cacheStatus).toBe('gripgate; fwd=uri-miss; fwd-status=200; stored')
    expect(miss.headers.has('cache-control')).toBe(false)
    h.advance(119)
    const hit = await h.send('/items', {}, route)
    expect(hit.xCache).toBe('HIT')
    expect(hit.cacheStatus).toBe('gripgate; hit; ttl=1')
    expect(hit.headers.has('cache-control')).toBe(false)
    h.advance(1)
    expect((await h.send('/items', {}, route)).xCache).toBe('MISS')
  })

  it('lets the override replace a short origin max-age but not private', async () => {
    const h = harness((request) =>
      request.url.endsWith('/private')
        ? new Response('p', { headers: { 'cache-control': 'private, max-age=600' } })
        : new Response('s', { headers: { 'cache-control': 'max-age=1' } })
    )
    const route = { ttl: 300 }
    await h.send('/short', {}, route)
    await h.send('/private', {}, route)
    h.advance(200)
    expect(
      xCaches([await h.send('/short', {}, route), await h.send('/private', {}, route)])
    ).toEqual(['HIT', 'MISS'])
  })

  it('tags stored responses with the route keys', async () => {
    const h = harness(resource({ 'surrogate-key': 'item-1' }))
    const route = { ttl: 60, keys: ['posts'] }
    await h.send('/items', {}, route)
    expect(await h.cache.purge(['posts'], false)).toBe(1)
    expect((await h.send('/items', {}, route)).xCache).toBe('MISS')
  })
})

describe('PullCache request collapsing', () => {
  it('makes one origin request for 30 concurrent cold GETs of a cacheable response', async () => {
    const gate = deferred()
    const h = harness(async (request) => {
      await gate.promise
      return resource({ 'cache-control': 'max-age=60' })(request)
    })
    const pending = Array.from({ length: 30 }, () => h.start('/items').then(h.read))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(h.origin.count).toBe(1)
    gate.resolve()
    const answers = await Promise.all(pending)
    expect(h.origin.count).toBe(1)
    expect(answers.map((a) => a.body)).toEqual(Array(30).fill('hello'))
    expect(answers.filter((a) => a.xCache === 'MISS').length).toBe(1)
    const collapsed = answers.filter((a) => a.cacheStatus === 'gripgate; hit; ttl=60; collapsed')
    expect(collapsed.length).toBe(29)
    expect(h.cache.stats.hits).toBe(29)
    expect(h.cache.stats.misses).toBe(1)
  })

  it('sends each waiter to the origin when the response is not cacheable', async () => {
    const gate = deferred()
    let served = 0
    const h = harness(async () => {
      await gate.promise
      served += 1
      return new Response(`private ${served}`, { headers: { 'cache-control': 'private' } })
    })
    const pending = Array.from({ length: 5 }, () => h.start('/me').then(h.read))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(h.origin.count).toBe(1)
    gate.resolve()
    const answers = await Promise.all(pending)
    expect(h.origin.count).toBe(5)
    expect(answers.map((a) => a.body).sort()).toEqual([
      'private 1',
      'private 2',
      'private 3',
      'private 4',
      'private 5',
    ])
    expect(xCaches(answers)).toEqual(Array(5).fill('MISS'))
  })

  it('does not make a no-cache request wait for another, when honoured', async () => {
    const gate = deferred()
    const h = harness(
      async (request) => {
        if (!request.headers.has('cache-control')) await gate.promise
        return resource({ 'cache-control': 'max-age=60' })(request)
      },
      { requestDirectives: 'honor' }
    )
    const waiting = h.start('/items').then(h.read)
    await new Promise((resolve) => setTimeout(resolve, 0))
    const reload = await h.read(
      await h.start('/items', { headers: { 'cache-control': 'no-cache' } })
    )
    expect(reload.xCache).toBe('MISS')
    expect(h.origin.count).toBe(2)
    gate.resolve()
    expect((await waiting).xCache).toBe('MISS')
  })

  it('does not collapse different variants', async () => {
    const gate = deferred()
    const h = harness(async (request) => {
      await gate.promise
      return new Response(`lang:${request.headers.get('accept-language')}`, {
        headers: { 'cache-control': 'max-age=60', vary: 'accept-language' },
      })
    })
    const en = h.start('/items', { headers: { 'accept-language': 'en' } }).then(h.read)
    const fr = h.start('/items', { headers: { 'accept-language': 'fr' } }).then(h.read)
    await new Promise((resolve) => setTimeout(resolve, 0))
    gate.resolve()
    const answers = await Promise.all([en, fr])
    expect(answers.map((a) => `${a.xCache} ${a.body}`)).toEqual(['MISS lang:en', 'MISS lang:fr'])
    expect(h.origin.count).toBe(2)
  })

  it('frees the waiters when the origin fails', async () => {
    const gate = deferred()
    const h = harness(async () => {
      await gate.promise
      throw new OriginUnreachableError('refused')
    })
    const first = h.start('/items')
    const second = h.start('/items')
    await new Promise((resolve) => setTimeout(resolve, 0))
    gate.resolve()
    await expect(first).rejects.toThrow('refused')
    await expect(second).rejects.toThrow('refused')
    expect(h.origin.count).toBe(2)
  })
})

describe('PullCache unsafe methods (RFC 9111 §4.4)', () => {
  const app: OriginHandler = (request) => {
    if (request.method === 'GET')
      return new Response(`get ${new URL(request.url).pathname}`, {
        headers: { 'cache-control': 'max-age=60' },
      })
    const status = Number(request.headers.get('x-status') ?? 200)
    const location = request.headers.get('x-location')
    return new Response('done', { status, headers: location ? { location } : {} })
  }

  it('passes a POST through and invalidates the stored GET', async () => {
    const h = harness(app)
    await h.send('/items/1')
    const post = await h.send('/items/1', { method: 'POST', body: 'x' })
    expect([post.status, post.xCache]).toEqual([200, 'BYPASS'])
    expect(h.origin.last.method).toBe('POST')
    expect((await h.send('/items/1')).xCache).toBe('MISS')
    expect(h.origin.count).toBe(3)
  })

  it('invalidates every variant of the target', async () => {
    const h = harness((request) =>
      request.method === 'GET'
        ? new Response('v', { headers: { 'cache-control': 'max-age=60', vary: 'accept' } })
        : new Response(null, { status: 204 })
    )
    await h.send('/items', { headers: { accept: 'a/a' } })
    await h.send('/items', { headers: { accept: 'b/b' } })
    expect(h.store.size).toBe(2)
    await h.send('/items', { method: 'DELETE' })
    expect(h.store.size).toBe(0)
  })

  it('invalidates same-origin Location targets, not other origins', async () => {
    const h = harness(app)
    await h.send('/items/1')
    await h.send('/items/2')
    await h.send('http://other.test/items/3')
    await h.send('/items', {
      method: 'POST',
      headers: { 'x-location': '/items/2' },
    })
    await h.send('/items', {
      method: 'POST',
      headers: { 'x-location': 'http://other.test/items/3' },
    })
    expect(
      xCaches([
        await h.send('/items/1'),
        await h.send('/items/2'),
        await h.send('http://other.test/items/3'),
      ])
    ).toEqual(['HIT', 'MISS', 'HIT'])
  })

  it('keeps the stored GET when the unsafe request fails', async () => {
    const h = harness(app)
    await h.send('/items/1')
    await h.send('/items/1', { method: 'PUT', body: 'x', headers: { 'x-status': '500' } })
    expect((await h.send('/items/1')).xCache).toBe('HIT')
  })

  it('keeps the stored GET for a safe OPTIONS', async () => {
    const h = harness(app)
    await h.send('/items/1')
    await h.send('/items/1', { method: 'OPTIONS' })
    expect((await h.send('/items/1')).xCache).toBe('HIT')
  })
})

describe('PullCache purge by surrogate key', () => {
  const tagged: OriginHandler = (request) => {
    const path = new URL(request.url).pathname
    const headers: Record<string, string> = { 'cache-control': 'max-age=600', etag: '"v1"' }
    if (path === '/a') headers['surrogate-key'] = 'item-a items'
    if (path === '/b') headers['cache-tag'] = 'item-b,items'
    return resource(headers, `body ${path}`)(request)
  }

  it('hard purge by Surrogate-Key makes the next request a miss', async () => {
    const h = harness(tagged)
    await h.send('/a')
    await h.send('/b')
    expect(await h.cache.purge(['item-a'], false)).toBe(1)
    expect(xCaches([await h.send('/a'), await h.send('/b')])).toEqual(['MISS', 'HIT'])
    expect(h.origin.last.headers.has('if-none-match')).toBe(false)
  })

  it('hard purge by Cache-Tag makes the next request a miss', async () => {
    const h = harness(tagged)
    await h.send('/a')
    await h.send('/b')
    expect(await h.cache.purge(['item-b'], false)).toBe(1)
    expect(xCaches([await h.send('/a'), await h.send('/b')])).toEqual(['HIT', 'MISS'])
  })

  it('purges everything tagged with a shared key and counts it', async () => {
    const h = harness(tagged)
    await h.send('/a')
    await h.send('/b')
    await h.send('/c')
    expect(await h.cache.purge(['items', 'nothing'], false)).toBe(2)
    expect(xCaches([await h.send('/a'), await h.send('/b'), await h.send('/c')])).toEqual([
      'MISS',
      'MISS',
      'HIT',
    ])
    expect(h.cache.stats.purges).toBe(1)
    expect(h.cache.stats.purgedObjects).toBe(2)
  })

  it('soft purge makes the next request revalidate', async () => {
    const h = harness(tagged)
    await h.send('/a')
    expect(await h.cache.purge(['items'], true)).toBe(1)
    const revalidated = await h.send('/a')
    expect([revalidated.xCache, revalidated.body]).toEqual(['REVALIDATED', 'body /a'])
    expect(h.origin.last.headers.get('if-none-match')).toBe('"v1"')
    expect((await h.send('/a')).xCache).toBe('HIT')
    expect(h.origin.count).toBe(2)
  })

  it('soft purge with stale-while-revalidate serves stale once and refreshes', async () => {
    const h = harness(
      resource({
        'cache-control': 'max-age=600, stale-while-revalidate=60',
        'surrogate-key': 'k',
        etag: '"v1"',
      })
    )
    await h.send('/a')
    await h.cache.purge(['k'], true)
    expect((await h.send('/a')).xCache).toBe('STALE')
    expect((await h.send('/a')).xCache).toBe('HIT')
    expect(h.origin.count).toBe(2)
  })
})

describe('PullCache soft purge windows', () => {
  it('does not stretch the stale-while-revalidate window of an old entry', async () => {
    const h = harness(
      resource({
        'cache-control': 'max-age=60, stale-while-revalidate=30',
        'surrogate-key': 'k',
        etag: '"v1"',
      })
    )
    await h.send('/a')
    h.advance(3600)
    await h.cache.purge(['k'], true)
    expect((await h.send('/a')).xCache).toBe('REVALIDATED')
    expect(h.background.length).toBe(0)
  })

  it('refetches a soft-purged entry without a validator', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=600', 'surrogate-key': 'k' }))
    await h.send('/a')
    await h.cache.purge(['k'], true)
    const answer = await h.send('/a')
    expect(answer.xCache).toBe('MISS')
    expect(h.origin.last.headers.has('if-none-match')).toBe(false)
    expect((await h.send('/a')).xCache).toBe('HIT')
  })
})

describe('PullCache HEAD', () => {
  const withLength = resource({
    'cache-control': 'max-age=60',
    'content-length': '5',
    'content-type': 'text/plain',
  })

  it('answers HEAD from a stored GET without a body', async () => {
    const h = harness(withLength)
    await h.send('/items')
    const head = await h.send('/items', { method: 'HEAD' })
    expect([head.status, head.body, head.xCache]).toEqual([200, '', 'HIT'])
    expect(head.headers.get('content-length')).toBe('5')
    expect(head.headers.get('content-type')).toBe('text/plain')
    expect(h.origin.count).toBe(1)
  })

  it('fills the cache with a GET on a HEAD miss', async () => {
    const h = harness(withLength)
    const head = await h.send('/items', { method: 'HEAD' })
    expect([head.status, head.body, head.xCache]).toEqual([200, '', 'MISS'])
    expect(h.origin.last.method).toBe('GET')
    const get = await h.send('/items')
    expect([get.body, get.xCache]).toEqual(['hello', 'HIT'])
    expect(h.origin.count).toBe(1)
  })
})

describe('PullCache stats', () => {
  it('counts every outcome', async () => {
    const h = harness(
      resource({ 'cache-control': 'max-age=60, stale-while-revalidate=10', etag: '"a"' })
    )
    await h.send('/items') // MISS
    await h.send('/items') // HIT
    h.advance(65)
    await h.send('/items') // STALE, then REVALIDATED in the background
    h.advance(100)
    await h.send('/items') // REVALIDATED
    await h.send('/items', {}, false) // BYPASS
    expect(h.cache.stats.toJSON()).toEqual({
      hits: 1,
      misses: 1,
      stale: 1,
      revalidated: 2,
      bypasses: 1,
      stores: 1,
      fenced: 0,
      purges: 0,
      purgedObjects: 0,
    })
  })
})

describe('PullCache strict parsing (cache-tests.fyi cases)', () => {
  it('treats an Expires that is not an HTTP-date as already expired', async () => {
    const h = harness(resource({ expires: 'Thu, 18 Aug 2050 02:01:18 UTC' }))
    await h.send('/items')
    expect((await h.send('/items')).xCache).toBe('MISS')
  })

  it('ignores an Age that is not delta-seconds, and reads the first of a list', async () => {
    const float = harness(resource({ 'cache-control': 'max-age=3600', age: '7200.0' }))
    await float.send('/items')
    expect((await float.send('/items')).xCache).toBe('HIT')
    const list = harness(resource({ 'cache-control': 'max-age=3600', age: '7200, 0' }))
    await list.send('/items')
    expect((await list.send('/items')).xCache).toBe('MISS')
  })

  it('stores a status it does not know when freshness is explicit (RFC 9111 §3)', async () => {
    const h = harness(
      () => new Response('odd', { status: 299, headers: { 'cache-control': 'max-age=60' } })
    )
    await h.send('/items')
    const again = await h.send('/items')
    expect([again.status, again.body, again.xCache]).toEqual([299, 'odd', 'HIT'])
  })

  it('does not store an unknown status marked must-understand', async () => {
    const h = harness(
      () =>
        new Response('odd', {
          status: 299,
          headers: { 'cache-control': 'max-age=60, must-understand' },
        })
    )
    await h.send('/items')
    expect((await h.send('/items')).xCache).toBe('MISS')
  })

  it('ignores an invalid CDN-Cache-Control and falls back to Cache-Control', async () => {
    const h = harness(
      resource({ 'cdn-cache-control': 'max-age="10000"', 'cache-control': 'no-store' })
    )
    await h.send('/items')
    expect((await h.send('/items')).xCache).toBe('MISS')
  })

  it('serves a byte range from a stored complete response', async () => {
    const h = harness(resource({ 'cache-control': 'max-age=60' }, '01234567890'))
    await h.send('/items')
    const part = await h.send('/items', { headers: { range: 'bytes=0-1' } })
    expect([part.status, part.body, part.xCache]).toEqual([206, '01', 'HIT'])
    expect(part.headers.get('content-range')).toBe('bytes 0-1/11')
    expect(h.origin.count).toBe(1)
  })
})

describe('PullCache purge fence (publish-and-purge contract 4)', () => {
  it('does not store a response whose fetch began before a purge of its key', async () => {
    let version = 1
    const gate = deferred()
    const called = deferred()
    const h = harness(async () => {
      const body = `v${version}`
      called.resolve()
      await gate.promise
      return new Response(body, {
        headers: { 'cache-control': 'max-age=60', 'surrogate-key': 'k' },
      })
    })
    const inFlight = h.start('/items')
    await called.promise
    version = 2
    await h.cache.purge(['k'], false)
    gate.resolve()
    const first = await h.read(await inFlight)
    await h.settle()
    expect(first.body).toBe('v1')
    expect(h.cache.stats.fenced).toBe(1)
    const next = await h.send('/items')
    expect([next.body, next.xCache]).toEqual(['v2', 'MISS'])
  })

  it('stores a response when the purge named other keys', async () => {
    const gate = deferred()
    const called = deferred()
    const h = harness(async () => {
      called.resolve()
      await gate.promise
      return new Response('v1', {
        headers: { 'cache-control': 'max-age=60', 'surrogate-key': 'k' },
      })
    })
    const inFlight = h.start('/items')
    await called.promise
    await h.cache.purge(['other'], false)
    gate.resolve()
    await h.read(await inFlight)
    await h.settle()
    expect((await h.send('/items')).xCache).toBe('HIT')
  })
})
