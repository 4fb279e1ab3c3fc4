import { SignJWT } from 'jose'
import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../../src/cache/memory-store.ts'
import { PullCache } from '../../../src/cache/pull-cache.ts'
import { storePullPath } from '../../../src/cache/pull-path.ts'
import { parseConfig } from '../../../src/config/parse.ts'
import { createGateway } from '../../../src/gateway.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import type { Hub } from '../../../src/hub/hub.ts'
import { handlePublish, MAX_PUBLISH_BODY } from '../../../src/publish/route.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { EPOCH, FakeClock } from '../../fakes/fake-clock.ts'
import { MemoryOrigin } from '../../fakes/memory-origin.ts'
import { gatewayErrorOf } from '../../helpers/gateway-error.ts'
import { hubHarness } from '../../helpers/grip-harness.ts'

const publishRequest = (body: BodyInit, headers: Record<string, string> = {}) =>
  new Request('http://gw.test/publish/', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    duplex: 'half',
  } as RequestInit)

const ONE_ITEM = JSON.stringify({
  items: [{ channel: 'c', formats: { 'http-stream': { content: 'x' } } }],
})

/** handlePublish over an empty cache, with the default purge settings. */
function publishTo(request: Request, hub: Hub): Promise<Response> {
  const cache = new PullCache({
    store: new MemoryStore({ maxBytes: 1024 * 1024, maxObjectBytes: 64 * 1024 }),
    clock: hub.clock,
    logger: hub.logger,
    waitUntil: () => {},
    maxObjectBytes: 64 * 1024,
  })
  return handlePublish(
    request,
    { publish: async (items) => hub.publish(items) },
    storePullPath(cache).purger,
    {
      channels: true,
      keys: {},
      soft: false,
    }
  )
}

/** A hub with one subscriber on `c` that records what it gets. */
function subscribed() {
  const h = hubHarness()
  const got: PublishItem[] = []
  h.hub.subscribe('c', { transport: 'stream', deliver: (item) => got.push(item) })
  return { ...h, got }
}

describe('handlePublish', () => {
  it('publishes the items in order and answers Published as text by default', async () => {
    const h = subscribed()
    const response = await publishTo(
      publishRequest(
        JSON.stringify({
          items: [
            { channel: 'c', formats: { 'http-stream': { content: 'one' } } },
            { channel: 'c', 'http-stream': { content: 'two' } },
          ],
        })
      ),
      h.hub
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(await response.text()).toBe('Published\n')
    expect(h.got.map((item) => item.formats['http-stream'])).toMatchObject([
      { action: 'send' },
      { action: 'send' },
    ])
    expect(h.hub.counters).toMatchObject({ publishes: 1, items: 2, deliveries: 2 })
  })

  it.each([
    { accept: undefined, json: false },
    { accept: 'text/plain', json: false },
    { accept: '*/*', json: false },
    { accept: 'application/json', json: true },
    { accept: 'application/*', json: true },
    { accept: 'Application/JSON; q=1', json: true },
    { accept: 'application/json, text/plain', json: false },
  ])('answers Accept: $accept with JSON: $json (70)', async ({ accept, json }) => {
    const { hub } = hubHarness()
    const headers: Record<string, string> = accept === undefined ? {} : { accept }
    const response = await publishTo(publishRequest(ONE_ITEM, headers), hub)
    expect(response.status).toBe(200)
    if (json) {
      expect(response.headers.get('content-type')).toMatch(/^application\/json/)
      expect(await response.json()).toMatchObject({
        message: 'Published',
        items: 1,
        released: 1,
        held: 0,
        duplicates: 0,
      })
    } else {
      expect(response.headers.get('content-type')).toBe('text/plain')
      expect(await response.text()).toBe('Published\n')
    }
  })

  it('accepts an empty batch (68)', async () => {
    const { hub } = hubHarness()
    const response = await publishTo(publishRequest('{"items":[]}'), hub)
    expect(await response.text()).toBe('Published\n')
  })

  it.each([
    {
      name: 'a body that is not JSON (62)',
      body: '{bad',
      field: '$',
      detail: 'Body is not valid JSON.',
    },
    { name: 'an empty body', body: '', field: '$', detail: 'Body is not valid JSON.' },
    {
      name: 'a top level that is not an object (63)',
      body: '[1]',
      field: '$',
      detail: 'Invalid format.',
    },
    {
      name: 'no items (63)',
      body: '{}',
      field: 'items',
      detail: "Invalid format: object does not contain 'items'",
    },
    {
      name: 'items of the wrong type (63)',
      body: '{"items":{}}',
      field: 'items',
      detail: "Invalid format: object contains 'items' with wrong type",
    },
    {
      name: 'an item without channel (64)',
      body: '{"items":[{"formats":{"http-stream":{"content":"x"}}}]}',
      field: 'items[0].channel',
      detail: "Invalid format: publish item object does not contain 'channel'",
    },
    {
      name: 'an item without formats (64)',
      body: '{"items":[{"channel":"c"}]}',
      field: 'items[0].formats',
      detail: 'Invalid format: no formats specified',
    },
    {
      name: 'an http-stream without content (65)',
      body: '{"items":[{"channel":"c","formats":{"http-stream":{}}}]}',
      field: 'items[0].formats.http-stream',
      detail: "Invalid format: 'http-stream' does not contain 'content' or 'content-bin'",
    },
  ])('answers 400 with field for $name', async ({ body, field, detail }) => {
    const h = subscribed()
    const error = await gatewayErrorOf(publishTo(publishRequest(body), h.hub))
    expect(error.status).toBe(400)
    expect(error.code).toBe('BAD_REQUEST')
    expect(error.message).toBe(detail)
    expect(error.extras).toEqual({ field })
    const problem = await error.getResponse().json()
    expect(problem).toMatchObject({ status: 400, code: 'BAD_REQUEST', field, detail })
    expect(h.hub.counters.publishes).toBe(0)
  })

  it('rejects the whole batch when one item is bad (67)', async () => {
    const h = subscribed()
    const body = JSON.stringify({
      items: [
        { channel: 'c', formats: { 'http-stream': { content: 'good' } } },
        { channel: 'c', formats: { 'http-response': { code: 1000, body: 'bad' } } },
      ],
    })
    const error = await gatewayErrorOf(publishTo(publishRequest(body), h.hub))
    expect(error.extras).toEqual({ field: 'items[1].formats.http-response.code' })
    expect(h.got).toEqual([])
  })

  it.each([
    { name: 'a declared Content-Length', streamed: false },
    { name: 'a streamed body', streamed: true },
  ])('answers 413 to a body over 1,000,000 bytes with $name (72)', async ({ streamed }) => {
    const { hub } = hubHarness()
    const bytes = new Uint8Array(MAX_PUBLISH_BODY + 1).fill(0x20)
    const body = streamed ? new Response(bytes).body! : bytes
    const error = await gatewayErrorOf(publishTo(publishRequest(body), hub))
    expect(error.status).toBe(413)
    expect(error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(error.extras).toEqual({ limit: 1_000_000 })
  })

  it('accepts a body of exactly 1,000,000 bytes', async () => {
    const { hub } = hubHarness()
    const head = '{"items":[],"pad":"'
    const body = `${head}${'a'.repeat(MAX_PUBLISH_BODY - head.length - 2)}"}`
    expect(body.length).toBe(MAX_PUBLISH_BODY)
    const response = await publishTo(publishRequest(body), hub)
    expect(response.status).toBe(200)
  })
})

describe('the publish endpoint as mounted by the gateway', () => {
  const KEY = 'publish-key'

  function gateway() {
    const clock = new FakeClock()
    const parsed = parseConfig(
      {
        origins: { app: { url: 'http://origin.test' } },
        routes: [{ path: '/*', origin: 'app' }],
        publish: { path: '/publish/', keys: [KEY] },
      },
      {}
    )
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error))
    const config = parsed.value
    const { app, tier } = createGateway(
      {
        origin: new MemoryOrigin(() => new Response('origin')),
        store: new MemoryStore({ maxBytes: 1024 * 1024, maxObjectBytes: 64 * 1024 }),
        clock,
        logger: new CaptureLogger(),
        waitUntil: () => {},
      },
      config
    )
    const post = (path: string, authorization?: string) =>
      app.request(`http://gw.test${path}`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
        body: ONE_ITEM,
      })
    const hub = (tier as EmbeddedFanout).hub
    return { app, hub, clock, post }
  }

  const token = (key: string, exp: number) =>
    new SignJWT({ iss: 'pushpin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(key))

  it.each([
    { name: 'the key', auth: async () => `Bearer ${KEY}`, status: 200 },
    {
      name: 'a JWT signed with the key',
      auth: async () => `Bearer ${await token(KEY, EPOCH / 1000 + 600)}`,
      status: 200,
    },
    {
      name: 'an expired JWT',
      auth: async () => `Bearer ${await token(KEY, EPOCH / 1000 - 1)}`,
      status: 401,
    },
    {
      name: 'a JWT signed with another key',
      auth: async () => `Bearer ${await token('other', EPOCH / 1000 + 600)}`,
      status: 401,
    },
    { name: 'another key', auth: async () => 'Bearer garbage', status: 401 },
    { name: 'Basic credentials', auth: async () => 'Basic cHVibGlzaC1rZXk6', status: 401 },
    { name: 'no credentials', auth: async () => undefined, status: 401 },
  ])('answers $status to $name', async ({ auth, status }) => {
    const g = gateway()
    const response = await g.post('/publish/', await auth())
    expect(response.status).toBe(status)
    if (status === 200) {
      expect(await response.text()).toBe('Published\n')
      expect(g.hub.counters.publishes).toBe(1)
    } else {
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="gripgate"')
      expect(await response.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' })
      expect(g.hub.counters.publishes).toBe(0)
    }
  })

  it('takes the path without its trailing slash (61)', async () => {
    const response = await gateway().post('/publish', `Bearer ${KEY}`)
    expect(response.status).toBe(200)
  })

  it('answers 405 with Allow: POST to other methods (60)', async () => {
    const response = await gateway().app.request('http://gw.test/publish/', {
      headers: { authorization: `Bearer ${KEY}` },
    })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })
})
