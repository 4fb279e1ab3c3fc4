/**
 * Cached GRIP instructions are parsed once per stored entry (src/proxy/instruct-memo.ts):
 * a hold answered by a quick cache hit whose instruction was parsed before reads no body, and
 * the client still sees that hit's own `Age`, `X-Cache` and `Cache-Status`.
 */
import { describe, expect, it } from 'vitest'
import type { OriginConfig } from '../../../src/config/types.ts'
import type { SendToOrigin } from '../../../src/fanout.ts'
import type { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import { forwarderFor } from '../../../src/proxy/forward.ts'
import { proxyWithGrip } from '../../../src/proxy/grip-proxy.ts'
import { MemoryOrigin } from '../../fakes/memory-origin.ts'
import { memoryPullCache } from '../../fakes/memory-pull-cache.ts'
import { collect, hubHarness, settle } from '../../helpers/grip-harness.ts'

const ORIGIN: OriginConfig = { url: 'http://origin.test', timeoutMs: 1000 }

function setup(headers: Record<string, string>, body: string) {
  const h = hubHarness()
  const origin = new MemoryOrigin(() => new Response(body, { headers }))
  const cache = memoryPullCache(h.clock)
  /** Every answer the cache gave, in order. */
  const fromCache: Response[] = []
  const send: SendToOrigin = async (request) => {
    const response = await cache.handle(request, 'origin', forwarderFor(origin, ORIGIN, request))
    fromCache.push(response)
    return response
  }
  const hold = async (tier: EmbeddedFanout = h.tier) => {
    const response = await proxyWithGrip(new Request('http://gw.test/s'), send, tier)
    const received = collect(response)
    await settle()
    return {
      headers: [...response.headers].sort(),
      body: new TextDecoder().decode(received.bytes()),
    }
  }
  return { ...h, origin, fromCache, hold }
}

describe('cached GRIP instructions', () => {
  it('parses a stream hold once per entry and keeps each hit its own per-hit fields', async () => {
    const s = setup(
      {
        'cache-control': 'max-age=60',
        'content-type': 'text/event-stream',
        'grip-hold': 'stream',
        'grip-channel': 'c',
        'x-kept': 'yes',
      },
      ': open\n\n'
    )
    const holds = []
    for (let i = 0; i < 4; i++) {
      holds.push(await s.hold())
      s.clock.advance(1_000)
    }
    // MISS, full-path HIT, first quick hit (parsed and kept), then the kept instruction.
    expect(s.fromCache.map((r) => r.bodyUsed)).toEqual([true, true, true, false])
    expect(s.origin.requests).toHaveLength(1)
    for (const [i, held] of holds.entries()) {
      expect(held.body).toBe(': open\n\n')
      expect(held.headers).toContainEqual(['x-kept', 'yes'])
      if (i === 0) continue
      expect(held.headers).toContainEqual(['age', String(i)])
      expect(held.headers).toContainEqual(['x-cache', 'HIT'])
      expect(held.headers).toContainEqual(['cache-status', `gripgate; hit; ttl=${60 - i}`])
    }
    // The kept instruction's hold equals the one parsed from its answer, but for the Age.
    const strip = (pairs: [string, string][]) =>
      pairs.filter(([name]) => name !== 'age' && name !== 'cache-status')
    expect(strip(holds[3]!.headers)).toEqual(strip(holds[2]!.headers))
    expect(s.hub.connections.stream).toBe(4)
    expect(s.hub.snapshot()).toMatchObject({ channels: 1 })
  })

  it('keeps a JSON instruction whole: its client headers come from its body alone', async () => {
    const instruct = {
      hold: { mode: 'stream', channels: [{ name: 'c' }] },
      response: { headers: { 'x-from-json': '1' }, body: 'hi\n' },
    }
    const s = setup(
      { 'cache-control': 'max-age=60', 'content-type': 'application/grip-instruct' },
      JSON.stringify(instruct)
    )
    const holds = []
    for (let i = 0; i < 4; i++) {
      holds.push(await s.hold())
      s.clock.advance(1_000)
    }
    expect(s.fromCache.map((r) => r.bodyUsed)).toEqual([true, true, true, false])
    for (const held of holds) {
      expect(held.body).toBe('hi\n')
      expect(held.headers).toContainEqual(['x-from-json', '1'])
      expect(held.headers.map(([name]) => name)).not.toContain('age')
    }
  })

  it('parses again for a tier that keeps another number of channels', async () => {
    const s = setup(
      { 'cache-control': 'max-age=60', 'grip-hold': 'stream', 'grip-channel': 'a, b' },
      ''
    )
    for (let i = 0; i < 3; i++) await s.hold()
    const narrow = hubHarness({ subscriptionsPerConnection: 1 })
    await s.hold(narrow.tier)
    await s.hold()
    expect(s.fromCache.map((r) => r.bodyUsed)).toEqual([true, true, true, true, true])
    expect(narrow.hub.snapshot()).toMatchObject({ channels: 1 })
  })
})
