import { describe, expect, it } from 'vitest'
import { cacheTagFor, cacheTagHeader } from '../../edge/cloudflare/cache-tags.ts'
import { TAGS_PER_CALL, ZonePurger, zonePurgerFrom } from '../../edge/cloudflare/purger.ts'
import { runPurgerContract } from '../contract/purger.contract.ts'
import { RecordingPurger } from './helpers.ts'

interface Call {
  url: string
  method: string
  headers: Record<string, string>
  tags: string[]
}

/** A fetch that records each call and answers what `answer` says (never the network). */
function recordingFetch(answer: (call: Call, index: number) => Response | Promise<Response>) {
  const calls: Call[] = []
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    const call: Call = {
      url: request.url,
      method: request.method,
      headers: Object.fromEntries(request.headers),
      tags: ((await request.json()) as { tags: string[] }).tags,
    }
    calls.push(call)
    return answer(call, calls.length - 1)
  }) as typeof fetch
  return { calls, fetcher }
}

const success = () =>
  Response.json({ success: true, errors: [], messages: [], result: { id: 'z' } })

// The API refuses a whole call: a batch holding a refused key's tag fails every key in it.
runPurgerContract('ZonePurger', {
  softPurges: false,
  make: () => {
    const refused = new Set<string>()
    const { calls, fetcher } = recordingFetch(async (call) => {
      const refusedTags = await Promise.all([...refused].map(cacheTagFor))
      if (!call.tags.some((tag) => refusedTags.includes(tag))) return success()
      return Response.json(
        { success: false, errors: [{ code: 1012, message: 'request must contain valid tags' }] },
        { status: 400 }
      )
    })
    return {
      purger: new ZonePurger({ zoneId: 'z', token: 't', fetch: fetcher }),
      refuse: (key) => refused.add(key),
      // The contract's keys are safe tags: each is its own tag.
      reached: () => calls.flatMap((call) => call.tags),
    }
  },
})

runPurgerContract('RecordingPurger (workers)', {
  softPurges: false,
  make: () => {
    const failing = new Set<string>()
    const purger = new RecordingPurger(failing)
    return {
      purger,
      refuse: (key) => failing.add(key),
      // It is its own platform: what it was asked, each key once per call.
      reached: () => purger.calls.flatMap((call) => [...new Set(call.keys)]),
    }
  },
})

describe('ZonePurger: the zone purge-by-tag API', () => {
  it('posts the tags with the bearer token to the zone purge endpoint', async () => {
    const { calls, fetcher } = recordingFetch(success)
    const purger = new ZonePurger({ zoneId: 'zone-1', token: 'tok', fetch: fetcher })
    const report = await purger.purge(['item-1', 'items', 'item-1'], false)
    expect(calls).toEqual([
      {
        url: 'https://api.cloudflare.com/client/v4/zones/zone-1/purge_cache',
        method: 'POST',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        tags: ['item-1', 'items'],
      },
    ])
    expect(report).toEqual({ soft: false, purged: ['item-1', 'items'], failed: [], objects: null })
  })

  it('is hard even when asked for a soft purge (the API has none)', async () => {
    const { calls, fetcher } = recordingFetch(success)
    const report = await new ZonePurger({ zoneId: 'z', token: 't', fetch: fetcher }).purge(
      ['k'],
      true
    )
    expect(calls).toHaveLength(1)
    expect(report.soft).toBe(false)
  })

  it(`sends at most ${TAGS_PER_CALL} tags per call and reports a failed batch per key`, async () => {
    const { calls, fetcher } = recordingFetch((_call, index) =>
      index === 1
        ? Response.json(
            { success: false, errors: [{ code: 1134, message: 'rate limited' }] },
            { status: 429 }
          )
        : success()
    )
    const keys = Array.from({ length: TAGS_PER_CALL + 5 }, (_, i) => `k${i}`)
    const report = await new ZonePurger({ zoneId: 'z', token: 't', fetch: fetcher }).purge(
      keys,
      false
    )
    expect(calls.map((call) => call.tags.length)).toEqual([TAGS_PER_CALL, 5])
    expect(report.purged).toHaveLength(TAGS_PER_CALL)
    expect(report.failed).toHaveLength(5)
    expect(report.failed[0]).toEqual({
      key: `k${TAGS_PER_CALL}`,
      reason: 'purge API answered 429: 1134 rate limited',
    })
  })

  it('never throws: an unreachable API or a timeout fails every key', async () => {
    const down = new ZonePurger({
      zoneId: 'z',
      token: 't',
      fetch: (async () => {
        throw new Error('connect refused')
      }) as typeof fetch,
    })
    expect(await down.purge(['a'], false)).toEqual({
      objects: null,
      soft: false,
      purged: [],
      failed: [{ key: 'a', reason: 'purge API unreachable: connect refused' }],
    })
    const slow = new ZonePurger({
      zoneId: 'z',
      token: 't',
      timeoutMs: 20,
      fetch: ((_input: RequestInfo | URL, init?: RequestInit) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(new Error('aborted')))
        )) as typeof fetch,
    })
    expect((await slow.purge(['a'], false)).failed).toEqual([
      { key: 'a', reason: 'purge API did not answer within 20 ms' },
    ])
  })

  it('purges a key that is not a valid tag under the tag the store put it under', async () => {
    const { calls, fetcher } = recordingFetch(success)
    await new ZonePurger({ zoneId: 'z', token: 't', fetch: fetcher }).purge(['a,b', 'é'], false)
    expect(calls[0]?.tags).toEqual([await cacheTagFor('a,b'), await cacheTagFor('é')])
    expect(calls[0]?.tags.every((tag) => /^gg-[0-9a-f]{64}$/.test(tag))).toBe(true)
  })

  it('is configured only with both CF_ZONE_ID and CF_API_TOKEN', () => {
    const fetcher = (async () => success()) as typeof fetch
    expect(zonePurgerFrom({}, fetcher)).toBeUndefined()
    expect(zonePurgerFrom({ CF_ZONE_ID: 'z' }, fetcher)).toBeUndefined()
    expect(zonePurgerFrom({ CF_ZONE_ID: ' ', CF_API_TOKEN: 't' }, fetcher)).toBeUndefined()
    expect(zonePurgerFrom({ CF_ZONE_ID: 'z', CF_API_TOKEN: 't' }, fetcher)).toBeInstanceOf(
      ZonePurger
    )
  })
})

describe('cache tags', () => {
  it('keeps safe keys as they are', async () => {
    expect(await cacheTagFor('item-1')).toBe('item-1')
    expect(await cacheTagFor('a'.repeat(1025))).toMatch(/^gg-/)
  })

  it('fills Cache-Tag up to 16 KB and says what did not fit', () => {
    const tags = Array.from({ length: 20 }, (_, i) => `${i}`.padStart(1000, 'x'))
    const { value, dropped } = cacheTagHeader(tags)
    expect(value.length).toBeLessThanOrEqual(16 * 1024)
    expect(value.split(',')).toHaveLength(16)
    expect(dropped).toHaveLength(4)
  })
})
