import { SignJWT } from 'jose'
import { beforeEach, describe, expect, it } from 'vitest'
import { EPOCH } from '../fakes/fake-clock.ts'
import { API_TOKEN, buildApp, PUBLISH_KEY, SERVICE_ID, seedStores } from './helpers.ts'
import { calls } from './shims/calls.ts'
import { failPurge, purges } from './shims/compute.ts'
import { resetShims } from './shims/reset.ts'
import { seedSecretStore } from './shims/secret-store.ts'

beforeEach(() => {
  resetShims()
  seedStores()
})

const stream = (content: string) => ({ 'http-stream': { content } })

function publish(body: unknown, headers: Record<string, string> = {}) {
  return new Request('https://edge.example/publish/', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${PUBLISH_KEY}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify(body),
  })
}

/** The purge and fetch calls, in the order they happened. */
const timeline = () =>
  calls
    .filter((call) => call.api === 'purgeSurrogateKey' || call.api === 'fetch')
    .map((call) => `${call.api} ${call.args.join(' ')}`)

describe('a publish on Fastly purges before it forwards', () => {
  it('purges every item’s keys, then POSTs the items to the Fanout publish API', async () => {
    const { app, apiFetch } = buildApp()
    const response = await app.fetch(
      publish({
        items: [
          { channel: 'item-1', purge: ['home'], formats: stream('data: 1\n\n') },
          { channel: 'news', 'purge-mode': 'soft', formats: stream('data: 2\n\n') },
        ],
      })
    )
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('Published\n')
    const api = `https://api.fastly.com/service/${SERVICE_ID}/publish/`
    expect(timeline()).toEqual([
      'purgeSurrogateKey item-1 false',
      'purgeSurrogateKey items false',
      'purgeSurrogateKey home false',
      'purgeSurrogateKey news true',
      `fetch ${api} fastly_api`,
    ])
    const [sent] = apiFetch.sent
    expect(sent?.init.method).toBe('POST')
    expect(sent?.headers.get('authorization')).toBe(`Bearer ${API_TOKEN}`)
    expect(sent?.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(sent?.body ?? '')).toEqual({
      items: [
        { channel: 'item-1', formats: stream('data: 1\n\n') },
        { channel: 'news', formats: stream('data: 2\n\n') },
      ],
    })
  })

  it('answers JSON with the purged keys when asked', async () => {
    const { app } = buildApp()
    const response = await app.fetch(
      publish(
        { items: [{ channel: 'news', formats: stream('x') }] },
        { accept: 'application/json' }
      )
    )
    // The same shape as Node's and Workers': what Fanout and the purge hostcall do not count is null.
    expect(await response.json()).toEqual({
      message: 'Published',
      items: 1,
      released: null,
      held: null,
      duplicates: null,
      purged: null,
      purgedKeys: ['news'],
    })
  })

  it('accepts an HS256 JWT signed with the publish key (GRIP libraries)', async () => {
    const { app } = buildApp()
    const jwt = await new SignJWT({ iss: 'me' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(EPOCH / 1000 + 600)
      .sign(new TextEncoder().encode(PUBLISH_KEY))
    const response = await app.fetch(
      publish(
        { items: [{ channel: 'news', formats: stream('x') }] },
        { authorization: `Bearer ${jwt}` }
      )
    )
    expect(response.status).toBe(200)
  })

  it.each([
    ['no credentials', {}, 401],
    ['another key', { authorization: 'Bearer nope' }, 401],
  ])('refuses %s without purging or forwarding', async (_name, headers, status) => {
    const { app, apiFetch } = buildApp()
    const request = new Request('https://edge.example/publish/', {
      method: 'POST',
      headers,
      body: '{"items":[{"channel":"news","formats":{"http-stream":{"content":"x"}}}]}',
    })
    const response = await app.fetch(request)
    expect(response.status).toBe(status)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="gripgate"')
    expect(purges).toEqual([])
    expect(apiFetch.sent).toEqual([])
  })

  it('answers 405 to GET', async () => {
    const { app } = buildApp()
    const response = await app.fetch(new Request('https://edge.example/publish'))
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'POST'])
  })

  it('rejects a bad batch whole, before purging anything', async () => {
    const { app } = buildApp()
    const response = await app.fetch(
      publish({ items: [{ channel: 'ok', formats: stream('x') }, { formats: stream('y') }] })
    )
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'BAD_REQUEST', field: 'items[1].channel' })
    expect(purges).toEqual([])
  })
})

describe('partial failures are reported item by item', () => {
  it('does not forward an item whose purge failed, forwards the rest, answers 502', async () => {
    failPurge('items', 'hostcall refused')
    const { app, apiFetch } = buildApp()
    const response = await app.fetch(
      publish({
        items: [
          { channel: 'item-1', formats: stream('a') },
          { channel: 'news', formats: stream('b') },
        ],
      })
    )
    expect(response.status).toBe(502)
    const problem = await response.json()
    expect(problem).toMatchObject({
      code: 'PUBLISH_FAILED',
      items: [
        { index: 0, channel: 'item-1', outcome: 'purge-failed', failedKeys: ['items'] },
        { index: 1, channel: 'news', outcome: 'published' },
      ],
      failedKeys: [{ key: 'items', reason: 'hostcall refused' }],
      purgedKeys: ['item-1', 'news'],
    })
    expect(problem.detail).toBe(
      '1 of 2 items were not published: items[0] (channel "item-1"): not published, purging items failed'
    )
    expect(JSON.parse(apiFetch.sent[0]?.body ?? '')).toEqual({
      items: [{ channel: 'news', formats: stream('b') }],
    })
  })

  it('reports the publish API’s refusal with its status and text', async () => {
    const { app } = buildApp({ api: () => new Response('Unauthorized\n', { status: 401 }) })
    const response = await app.fetch(
      publish({ items: [{ channel: 'news', formats: stream('b') }] })
    )
    expect(response.status).toBe(502)
    expect(await response.json()).toMatchObject({
      code: 'PUBLISH_FAILED',
      detail: '1 of 1 items were not published: the publish API answered 401 (Unauthorized)',
      items: 1,
      publishApi: { ok: false, status: 401, detail: 'Unauthorized' },
    })
    // The purge still happened first: the cache is never older than a publish attempt.
    expect(purges).toEqual([{ key: 'news', soft: false }])
  })

  it('reports an unreachable publish API', async () => {
    const { app } = buildApp({
      api: () => {
        throw new TypeError('backend fastly_api: connection refused')
      },
    })
    const response = await app.fetch(
      publish({ items: [{ channel: 'news', formats: stream('b') }] })
    )
    const problem = await response.json()
    expect(problem.publishApi).toEqual({
      ok: false,
      status: 0,
      detail: `https://api.fastly.com/service/${SERVICE_ID}/publish/ via backend "fastly_api": backend fastly_api: connection refused`,
    })
  })

  it('says so when no publish API is known (no service id, no publish_url)', async () => {
    resetShims()
    seedStores({ serviceId: false })
    const { app, apiFetch } = buildApp()
    const response = await app.fetch(
      publish({ items: [{ channel: 'news', formats: stream('b') }] })
    )
    expect(response.status).toBe(502)
    expect((await response.json()).detail).toContain('no publish API is configured')
    expect(apiFetch.sent).toEqual([])
  })
})

describe('publishing to a local Pushpin (config store settings)', () => {
  it('posts to publish_url through publish_backend, without a token when none is stored', async () => {
    resetShims()
    seedStores({
      serviceId: false,
      settings: {
        publish_backend: 'fanout_publish',
        publish_url: 'http://127.0.0.1:5561/publish/',
      },
    })
    // No FASTLY_API_TOKEN: a local Pushpin needs none.
    seedSecretStore('gripgate_secrets', { PUBLISH_KEY, GRIP_KEY: 'changeme' })
    const { app, apiFetch } = buildApp()
    const response = await app.fetch(
      publish({ items: [{ channel: 'news', formats: stream('b') }] })
    )
    expect(response.status).toBe(200)
    expect(apiFetch.sent[0]?.url).toBe('http://127.0.0.1:5561/publish/')
    expect(apiFetch.sent[0]?.init.backend).toBe('fanout_publish')
    expect(apiFetch.sent[0]?.headers.has('authorization')).toBe(false)
  })
})

describe('POST /_gripgate/purge on Fastly', () => {
  const purge = (body: unknown, key = PUBLISH_KEY) =>
    new Request('https://edge.example/_gripgate/purge', {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  it('purges the keys through purgeSurrogateKey and lists them', async () => {
    const { app } = buildApp()
    const response = await app.fetch(purge({ keys: ['item-1', 'items'], soft: true }))
    expect(response.status).toBe(200)
    // Fastly does not count what a key covered: `purged` is null, the shape is the same.
    expect(await response.json()).toEqual({ purged: null, keys: ['item-1', 'items'], soft: true })
    expect(purges).toEqual([
      { key: 'item-1', soft: true },
      { key: 'items', soft: true },
    ])
  })

  it('answers 502 PURGE_FAILED naming the keys that failed', async () => {
    failPurge('items', 'hostcall refused')
    const { app } = buildApp()
    const response = await app.fetch(purge({ keys: ['item-1', 'items'] }))
    expect(response.status).toBe(502)
    expect(await response.json()).toMatchObject({
      code: 'PURGE_FAILED',
      detail: 'could not purge items (hostcall refused)',
      purged: null,
      keys: ['item-1'],
      failed: [{ key: 'items', reason: 'hostcall refused' }],
    })
  })

  it.each([
    ['a bad body', { keys: [] }, PUBLISH_KEY, 400],
    ['a wrong key', { keys: ['a'] }, 'nope', 401],
  ])('refuses %s', async (_name, body, key, status) => {
    const { app } = buildApp()
    expect((await app.fetch(purge(body, key))).status).toBe(status)
    expect(purges).toEqual([])
  })

  it('is not mounted without a publish section', async () => {
    const { app } = buildApp({
      config: {
        origins: { origin: { url: 'https://o.example' } },
        routes: [{ path: '/*', origin: 'origin' }],
      },
    })
    expect((await app.fetch(purge({ keys: ['a'] }))).status).toBe(404)
  })
})
