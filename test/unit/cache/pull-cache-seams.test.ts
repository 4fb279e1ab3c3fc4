/**
 * The pull cache and its seams (issue #13): a store whose writes fail costs the client
 * nothing, a purge that fences a refresh is counted like one that fences a miss, and time is
 * the injected Clock's, for collapsed waits and for HTTP dates alike.
 */
import { describe, expect, it } from 'vitest'
import { FaultyStore } from '../../fakes/faulty-store.ts'
import { GatedStore } from '../../fakes/gated-store.ts'
import { deferred, harness, resource } from '../../helpers/pull-cache-harness.ts'

const faultyStore = () => new FaultyStore({ maxBytes: 1 << 22, maxObjectBytes: 1 << 20 })
const CACHEABLE = { 'cache-control': 'max-age=60', etag: '"v1"', 'surrogate-key': 'k' }

describe('PullCache over a failing store', () => {
  it('answers a 304 revalidation when storing the refreshed entry fails, and logs it', async () => {
    const store = faultyStore()
    const h = harness(resource(CACHEABLE), { store })
    expect((await h.send('/items')).xCache).toBe('MISS')
    h.advance(61)
    store.failPuts = true
    const answer = await h.send('/items')
    expect([answer.status, answer.body, answer.xCache]).toEqual([200, 'hello', 'REVALIDATED'])
    expect(store.refusedPuts).toBe(1)
    expect(h.logger.messages('warn')).toEqual(['cache store failed'])
  })

  it('answers a miss when storing it fails, as before', async () => {
    const store = faultyStore()
    store.failPuts = true
    const h = harness(resource(CACHEABLE), { store })
    const answer = await h.send('/items')
    expect([answer.status, answer.body, answer.xCache]).toEqual([200, 'hello', 'MISS'])
    expect(h.logger.messages('warn')).toEqual(['cache store failed'])
  })
})

describe('PullCache purge fence on revalidations', () => {
  it('counts a refresh that a purge fenced in stats.fenced', async () => {
    const gate = deferred()
    const called = deferred()
    const answer = resource(CACHEABLE)
    const h = harness(async (request) => {
      if (request.headers.has('if-none-match')) {
        called.resolve()
        await gate.promise
      }
      return answer(request)
    })
    await h.send('/items')
    h.advance(61)
    const inFlight = h.start('/items')
    await called.promise
    await h.cache.purge(['k'], false)
    gate.resolve()
    expect((await h.read(await inFlight)).xCache).toBe('REVALIDATED')
    await h.settle()
    expect(h.cache.stats.fenced).toBe(1)
    expect((await h.send('/items')).xCache).toBe('MISS')
  })
})

describe('PullCache time is the injected Clock', () => {
  it('sends a collapsed request on by itself once collapseWaitMs passes on the clock', async () => {
    const gate = deferred()
    let asked = 0
    const h = harness(
      async (request) => {
        asked += 1
        if (asked === 1) await gate.promise
        return resource({ 'cache-control': 'max-age=60' })(request)
      },
      { collapseWaitMs: 5_000 }
    )
    const first = h.start('/items')
    const second = h.start('/items')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(h.origin.count).toBe(1)
    h.clock.advance(5_000)
    // The waiter's own fetch starts once the clock's timer fires: no real time passes.
    const alone = await Promise.race([
      second.then(h.read),
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), 1_000)),
    ])
    expect(alone).toMatchObject({ status: 200, xCache: 'MISS' })
    expect(h.origin.count).toBe(2)
    gate.resolve()
    await h.read(await first)
    await h.settle()
  })

  it('reads a two-digit If-Range year by the clock (RFC 9110 §5.6.7)', async () => {
    // On the clock it is 2100: "99" in an RFC 850 date is 2099, a year ago, not 1999.
    const h = harness(
      resource({
        'cache-control': 'max-age=60',
        'last-modified': 'Thu, 01 Jan 2099 00:00:00 GMT',
        'content-length': '5',
      }),
      { startAt: Date.UTC(2100, 0, 1) }
    )
    await h.send('/items')
    const partial = await h.send('/items', {
      headers: { range: 'bytes=0-1', 'if-range': 'Thursday, 01-Jan-99 00:00:00 GMT' },
    })
    expect([partial.status, partial.body]).toEqual([206, 'he'])
  })
})

// Issue #16: stores shared by many processes fence fills themselves (FillMark), and their
// writes may outlast the response; a MISS read to its end must be stored all the same.
describe('PullCache over a store with its own fence and slow writes', () => {
  it('takes the mark before asking the origin and hands it back with the put', async () => {
    const store = new GatedStore({ maxBytes: 1 << 22, maxObjectBytes: 1 << 20 })
    const answer = resource(CACHEABLE)
    const h = harness(
      (request) => {
        store.events.push('origin')
        return answer(request)
      },
      { store }
    )
    expect((await h.send('/items')).xCache).toBe('MISS')
    expect(store.events).toEqual(['mark 1', 'origin', 'put 1', 'put 1 done'])
  })

  it('ends the body only once the store is done, holding back its last byte', async () => {
    const store = new GatedStore({ maxBytes: 1 << 22, maxObjectBytes: 1 << 20 })
    store.close()
    const h = harness(resource({ ...CACHEABLE, 'content-length': '5' }), { store })
    const reader = (await h.start('/items')).body!.getReader()
    let received = ''
    while (received.length < 4) {
      const next = await reader.read()
      if (next.done) throw new Error('the body ended before the store was done')
      received += new TextDecoder().decode(next.value)
    }
    expect(received).toBe('hell')
    // The last byte waits for the store (a wrong implementation answers at once).
    const pending = reader.read()
    const waited = await Promise.race([
      pending.then(() => 'read'),
      new Promise<string>((resolve) => setTimeout(() => resolve('waiting'), 50)),
    ])
    expect(waited).toBe('waiting')
    store.open()
    const last = await pending
    expect(new TextDecoder().decode(last.value)).toBe('o')
    expect(store.events.at(-1)).toBe('put 1 done')
    expect((await reader.read()).done).toBe(true)
  })
})
