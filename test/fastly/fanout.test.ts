import { beforeEach, describe, expect, it } from 'vitest'
import { handOff, publishForwarder } from '../../edge/fastly/fanout.ts'
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
