/**
 * The GRIP step of the proxy (GRIP.md §2.2, §3; GRIP-CONFORMANCE section B): what reaches the
 * client for each kind of origin answer.
 */
import { describe, expect, it } from 'vitest'
import type { SendToOrigin } from '../../../src/fanout.ts'
import { GRIP_BODY_LIMIT, proxyWithGrip } from '../../../src/proxy/grip-proxy.ts'
import { gatewayErrorOf } from '../../helpers/gateway-error.ts'
import { answer, collect, gripHarness, hubHarness, settle } from '../../helpers/grip-harness.ts'

const big = (size: number) => new Uint8Array(size).fill(0x61)

describe('proxyWithGrip: plain answers', () => {
  it.each([
    {
      name: 'a 200 of 150 KB',
      status: 200,
      headers: { 'Content-Type': 'text/plain' },
      size: 150_000,
    },
    {
      name: 'a 404 problem',
      status: 404,
      headers: { 'Content-Type': 'application/json' },
      size: 10,
    },
    { name: 'a 500', status: 500, headers: { 'X-Debug': 'yes' }, size: 0 },
  ])('passes $name to the client untouched (5)', async ({ status, headers, size }) => {
    const { hub, tier } = hubHarness()
    const origin = answer(headers, big(size), status)
    const send: SendToOrigin = async () => origin
    const response = await proxyWithGrip(new Request('http://gw.test/x'), send, tier)
    expect(response).toBe(origin)
    expect((await response.arrayBuffer()).byteLength).toBe(size)
    expect(hub.connections).toEqual({ stream: 0, response: 0, websocket: 0 })
  })

  it('sends the first request through the cache, not direct', async () => {
    const h = gripHarness(() => answer({}, 'ok'))
    await h.request('/x?y=1')
    expect(h.calls).toEqual([
      { method: 'GET', url: 'http://gw.test/x?y=1', lastIds: {}, direct: false },
    ])
  })
})

describe('proxyWithGrip: invalid instructions answer 502 GRIP_BAD_INSTRUCT', () => {
  it.each([
    { name: 'Grip-Hold: bogus (8)', status: 200, headers: { 'Grip-Hold': 'bogus' }, body: '' },
    {
      name: 'Grip-Timeout: abc (9)',
      status: 200,
      headers: { 'Grip-Hold': 'response', 'Grip-Channel': 'c', 'Grip-Timeout': 'abc' },
      body: '',
    },
    {
      name: 'a grip-instruct body with status 201 (17)',
      status: 201,
      headers: { 'Content-Type': 'application/grip-instruct' },
      body: '{"hold":{"channels":[{"name":"c"}]}}',
    },
    {
      name: 'a grip-instruct body that is not JSON (18)',
      status: 200,
      headers: { 'Content-Type': 'application/grip-instruct' },
      body: '{nope',
    },
    {
      name: 'Grip-Link: <bad (21)',
      status: 200,
      headers: { 'Grip-Hold': 'stream', 'Grip-Channel': 'c', 'Grip-Link': '<bad' },
      body: '',
    },
    {
      name: 'a response hold with a body over 100,000 bytes (13)',
      status: 200,
      headers: { 'Grip-Hold': 'response', 'Grip-Channel': 'c' },
      body: big(GRIP_BODY_LIMIT + 1),
    },
    {
      name: 'Grip-Channel only with a body over 100,000 bytes (15)',
      status: 200,
      headers: { 'Grip-Channel': 'c' },
      body: big(GRIP_BODY_LIMIT + 1),
    },
  ])('$name', async ({ status, headers, body }) => {
    const h = gripHarness(() => answer(headers, body, status))
    const error = await gatewayErrorOf(h.request('/x'))
    expect(error.code).toBe('GRIP_BAD_INSTRUCT')
    expect(error.status).toBe(502)
    expect(error.message).toMatch(/^Error while proxying to origin/)
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections).toEqual({ stream: 0, response: 0, websocket: 0 })
  })

  it('accepts a stream hold whose initial body passes 100,000 bytes (14)', async () => {
    const h = gripHarness(() =>
      answer({ 'Grip-Hold': 'stream', 'Grip-Channel': 'c' }, big(300_000))
    )
    const body = collect(await h.request('/x'))
    await settle()
    expect(body.bytes().byteLength).toBe(300_000)
    expect(body.ended).toBe(false)
    expect(h.subscriptions()).toBe(1)
  })
})

describe('proxyWithGrip: instructions without a hold', () => {
  it('answers at once with the body, Grip-* headers stripped and the rest kept (10)', async () => {
    const h = gripHarness(() =>
      answer({ 'Grip-Channel': 'x', 'Content-Type': 'text/plain', 'X-Other': '1' }, 'now\n')
    )
    const response = await h.request('/x')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(response.headers.get('x-other')).toBe('1')
    expect(response.headers.get('grip-channel')).toBeNull()
    expect(await response.text()).toBe('now\n')
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections).toEqual({ stream: 0, response: 0, websocket: 0 })
  })

  it('answers a JSON instruction with only its response (19, 20)', async () => {
    const h = gripHarness(() =>
      answer(
        { 'Content-Type': 'application/grip-instruct', 'X-Should-Not-Leak': '1' },
        '{"response":{"body":"direct\\n"}}'
      )
    )
    const response = await h.request('/x')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBeNull()
    expect(response.headers.get('x-should-not-leak')).toBeNull()
    expect(await response.text()).toBe('direct\n')
  })

  it('answers a JSON instruction with its response code, headers and body', async () => {
    const h = gripHarness(() =>
      answer(
        { 'Content-Type': 'application/grip-instruct' },
        JSON.stringify({
          response: { code: 409, reason: 'Taken', headers: { 'X-A': 'a' }, 'body-bin': 'aGk=' },
        })
      )
    )
    const response = await h.request('/x')
    expect(response.status).toBe(409)
    expect(response.statusText).toBe('Taken')
    expect(response.headers.get('x-a')).toBe('a')
    expect(await response.text()).toBe('hi')
  })
})

describe('proxyWithGrip: request bodies (16)', () => {
  const upload = (size: number) => ({ method: 'POST', body: big(size) })

  it('refuses a GRIP answer to a body over 100,000 bytes with 400 GRIP_REQUEST_TOO_LARGE', async () => {
    const h = gripHarness(() => answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c' }))
    const error = await gatewayErrorOf(h.request('/up', upload(GRIP_BODY_LIMIT + 1)))
    expect(error.code).toBe('GRIP_REQUEST_TOO_LARGE')
    expect(error.status).toBe(400)
    expect(error.message).toBe('Request too large to accept GRIP instruct.')
    // The origin still got the whole body, streamed.
    expect(h.received[0]?.body.length).toBe(GRIP_BODY_LIMIT + 1)
    expect(h.subscriptions()).toBe(0)
  })

  it('passes a plain answer to a body over 100,000 bytes', async () => {
    const h = gripHarness((request) => answer({}, `got ${request.body.length}`))
    const response = await h.request('/up', upload(GRIP_BODY_LIMIT + 1))
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('got 100001')
  })

  it('holds when the body is exactly 100,000 bytes', async () => {
    const h = gripHarness(() => answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c' }))
    void h.request('/up', upload(GRIP_BODY_LIMIT))
    await settle()
    expect(h.received[0]?.body.length).toBe(GRIP_BODY_LIMIT)
    expect(h.subscriptions()).toBe(1)
  })
})

describe('proxyWithGrip: limits', () => {
  it('refuses a hold beyond maxConnections with 503 CONNECTION_LIMIT', async () => {
    const h = gripHarness(() => answer({ 'Grip-Hold': 'stream', 'Grip-Channel': 'c' }), {
      limits: { maxConnections: 1 },
    })
    await h.request('/a')
    const error = await gatewayErrorOf(h.request('/b'))
    expect(error.code).toBe('CONNECTION_LIMIT')
    expect(error.status).toBe(503)
    const rendered = error.getResponse()
    expect(rendered.status).toBe(503)
    expect(rendered.headers.get('retry-after')).toBe('5')
    expect(rendered.headers.get('content-type')).toBe('application/problem+json')
    expect(h.subscriptions()).toBe(1)
    expect(h.hub.connections.stream).toBe(1)
  })

  it('does not count answers that hold nothing', async () => {
    const h = gripHarness(
      (request) =>
        request.path === '/held'
          ? answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c' })
          : answer({ 'Grip-Channel': 'c' }, 'now'),
      { limits: { maxConnections: 1 } }
    )
    void h.request('/held')
    await settle()
    expect(h.hub.connections.response).toBe(1)
    // The one slot is taken, yet an instruction without a hold still answers.
    expect(await (await h.request('/now')).text()).toBe('now')
    expect(h.hub.connections.response).toBe(1)
  })

  it('keeps only subscriptionsPerConnection channels', async () => {
    const h = gripHarness(() => answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'a, b, c' }), {
      limits: { subscriptionsPerConnection: 2 },
    })
    void h.request('/x')
    await settle()
    expect(h.subscriptions()).toBe(2)
    h.publish({ channel: 'c', formats: { 'http-response': { body: 'c' } } })
    await settle()
    expect(h.hub.connections.response).toBe(1)
  })
})

describe('proxyWithGrip: origin requests of a held session abort with it (issue #18)', () => {
  /** The gateway's send, recording the signal of every origin request. */
  function recordingSignals(script: Parameters<typeof gripHarness>[0]) {
    const h = gripHarness(script)
    const signals: AbortSignal[] = []
    const send: SendToOrigin = (request, options) => {
      signals.push(request.signal)
      return h.send(request, options)
    }
    const request = (path: string, init: RequestInit = {}) =>
      proxyWithGrip(new Request(`http://gw.test${path}`, init), send, h.tier)
    return { ...h, signals, request }
  }

  it("aborts a stream's next link in flight when the client leaves", async () => {
    let answerLink!: (response: Response) => void
    const h = recordingSignals((_request, n) =>
      n === 0
        ? answer({ 'Grip-Hold': 'stream', 'Grip-Channel': 'c', 'Grip-Link': '</next>; rel=next' })
        : new Promise<Response>((resolve) => {
            answerLink = resolve
          })
    )
    const body = collect(await h.request('/stream'))
    await settle()
    h.publish({ channel: 'c', formats: { 'http-stream': { action: 'hint' } } })
    await settle()
    expect(h.signals).toHaveLength(2)
    expect(h.signals[1]?.aborted).toBe(false)
    await body.cancel()
    await settle()
    expect(h.signals[1]?.aborted).toBe(true)
    answerLink(answer({}, 'late'))
    await settle()
    expect(h.hub.connections.stream).toBe(0)
  })

  it("aborts a response hold's replay in flight when the client aborts", async () => {
    const client = new AbortController()
    const h = recordingSignals((_request, n) =>
      n === 0
        ? answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c' })
        : new Promise<Response>(() => {})
    )
    void h.request('/poll', { signal: client.signal })
    await settle()
    h.publish({ channel: 'c', formats: { 'http-response': { action: 'hint' } } })
    await settle()
    expect(h.signals).toHaveLength(2)
    expect(h.signals[1]?.aborted).toBe(false)
    client.abort()
    expect(h.signals[1]?.aborted).toBe(true)
  })
})
