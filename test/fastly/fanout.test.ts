import { beforeEach, describe, expect, it } from 'vitest'
import { fanoutItem, fastlyFanout, handOff, publishForwarder } from '../../edge/fastly/fanout.ts'
import { GatewayError } from '../../src/errors.ts'
import { parsePublishBody } from '../../src/grip/publish-item.ts'
import { runFanoutTierContract } from '../contract/fanout-tier.contract.ts'
import { recordingFetch } from './helpers.ts'
import { handoffs } from './shims/fanout.ts'
import { resetShims } from './shims/reset.ts'

beforeEach(resetShims)

describe('handOff (createFanoutHandoff)', () => {
  it('passes the very request object and the backend to Fanout', () => {
    const request = new Request('https://edge.example/news/stream', {
      headers: { accept: 'text/event-stream' },
    })
    const response = handOff(request, 'self')
    expect(response.headers.get('x-shim-fanout-handoff')).toBe('self')
    expect(handoffs).toEqual([{ request, backend: 'self' }])
  })

  it('throws for a backend name Fastly refuses (1 to 254 characters)', () => {
    expect(() => handOff(new Request('https://e.x/'), '')).toThrow()
  })
})

describe('publishForwarder (Fanout publish API)', () => {
  const api = {
    backend: 'fastly_api',
    url: 'https://api.fastly.com/service/S/publish/',
    token: 't',
  }
  const items = [{ channel: 'news', formats: { 'ws-message': { content: 'hi' } } }]

  it('POSTs {"items": [...]} with the token as a Bearer credential', async () => {
    const fetchFn = recordingFetch(() => new Response('Published\n'))
    expect(await publishForwarder(api, fetchFn)(items)).toEqual({
      ok: true,
      status: 200,
      detail: 'Published',
    })
    const [sent] = fetchFn.sent
    expect([sent?.url, sent?.init.method, sent?.init.backend]).toEqual([
      api.url,
      'POST',
      'fastly_api',
    ])
    expect(sent?.headers.get('authorization')).toBe('Bearer t')
    expect(JSON.parse(sent?.body ?? '')).toEqual({ items })
  })

  it('cuts a long error answer short', async () => {
    const fetchFn = recordingFetch(() => new Response('x'.repeat(1000), { status: 500 }))
    const result = await publishForwarder(api, fetchFn)(items)
    expect(result.ok).toBe(false)
    expect(result.status).toBe(500)
    expect(result.detail).toHaveLength(301)
  })
})

describe('fastlyFanout (the FanoutTier on Fastly)', () => {
  const front = {
    callback: async () => 'absent' as const,
    handOff: (request: Request) => handOff(request, 'self'),
  }
  const raw = [
    {
      channel: 'c',
      id: '2',
      purge: ['k'],
      'purge-mode': 'soft',
      formats: { 'ws-message': { content: 'hi' } },
    },
  ]
  const parsed = parsePublishBody({ items: raw })
  if (!parsed.ok) throw new Error(parsed.error.message)
  const items = parsed.value

  it('relays the items as published, without gripgate’s purge fields, and cannot count deliveries', async () => {
    const sent: unknown[] = []
    const tier = fastlyFanout(front, async (batch) => {
      sent.push(...batch)
      return { ok: true, status: 200 }
    })
    expect(await tier.publish(items, raw)).toEqual({
      items: 1,
      released: null,
      held: null,
      duplicates: null,
    })
    expect(sent).toEqual([{ channel: 'c', id: '2', formats: { 'ws-message': { content: 'hi' } } }])
  })

  it('answers PUBLISH_FAILED (502) naming the publish API’s answer', async () => {
    const tier = fastlyFanout(front, async () => ({
      ok: false,
      status: 401,
      detail: 'Unauthorized',
    }))
    const error = await tier.publish(items, raw).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(GatewayError)
    expect((error as GatewayError).status).toBe(502)
    expect((error as GatewayError).message).toBe(
      '1 of 1 items were not published: the publish API answered 401 (Unauthorized)'
    )
    const unreachable = fastlyFanout(front, async () => ({
      ok: false,
      status: 0,
      detail: 'timeout',
    }))
    await expect(unreachable.publish(items, raw)).rejects.toThrow(
      'the publish API could not be reached (timeout)'
    )
  })

  it('never holds: an instruction on the pull path is a 502 naming the fix', async () => {
    const tier = fastlyFanout(front, async () => ({ ok: true, status: 200 }))
    const error = await tier
      .hold(new Request('https://e.x/news/1'), {} as never, {} as never)
      .catch((caught: unknown) => caught)
    expect((error as GatewayError).code).toBe('GRIP_NOT_HANDED_OFF')
    expect((error as GatewayError).message).toContain('"realtime": true')
  })

  it('fanoutItem keeps every field but purge and purge-mode', () => {
    expect(
      fanoutItem({ channel: 'c', meta: { a: 'b' }, purge: ['x'], 'purge-mode': 'soft' })
    ).toEqual({ channel: 'c', meta: { a: 'b' } })
  })
})

runFanoutTierContract('fastlyFanout (handoff and publish relay)', {
  holds: false,
  counts: false,
  make: async () => ({
    tier: fastlyFanout(
      { callback: async () => 'absent', handOff: (request) => handOff(request, 'self') },
      async () => ({ ok: true, status: 200 })
    ),
  }),
})
