import { describe, expect, it } from 'vitest'
import type { OriginConfig } from '../../../src/config/types.ts'
import { OriginTimeoutError, OriginUnreachableError } from '../../../src/platform.ts'
import { forwarderFor, originHeaders, originUrl, VIA } from '../../../src/proxy/forward.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import { MemoryOrigin } from '../../fakes/memory-origin.ts'

const origin = (url: string, extra: Partial<OriginConfig> = {}): OriginConfig => ({
  url,
  timeoutMs: 1000,
  ...extra,
})

describe('originUrl', () => {
  it.each<[string, string, string]>([
    ['http://127.0.0.1:9000', 'http://gw.test/items/1?a=1', 'http://127.0.0.1:9000/items/1?a=1'],
    ['http://127.0.0.1:9000/', 'http://gw.test/items/1', 'http://127.0.0.1:9000/items/1'],
    ['https://origin.example/base', 'http://gw.test/items', 'https://origin.example/base/items'],
    ['https://origin.example/base/', 'http://gw.test/items', 'https://origin.example/base/items'],
    ['http://127.0.0.1:9000', 'http://gw.test/', 'http://127.0.0.1:9000/'],
    ['http://127.0.0.1:9000', 'http://gw.test/a%20b?q=%2F', 'http://127.0.0.1:9000/a%20b?q=%2F'],
    // A path that looks protocol-relative must stay a path on the configured origin.
    [
      'http://127.0.0.1:9000',
      'http://gw.test//evil.example/x',
      'http://127.0.0.1:9000//evil.example/x',
    ],
    [
      'http://127.0.0.1:9000',
      'http://gw.test//evil.example',
      'http://127.0.0.1:9000//evil.example',
    ],
  ])('%s + %s → %s', (base, client, want) => {
    expect(originUrl(origin(base), new URL(client)).href).toBe(want)
  })
})

describe('originHeaders', () => {
  const client = new URL('https://gw.test:8443/items')

  it('drops hop-by-hop fields, keeps the client Host and adds forwarding fields', () => {
    const headers = new Headers({
      accept: 'text/html',
      connection: 'x-secret',
      'x-secret': '1',
      'transfer-encoding': 'chunked',
      host: 'ignored.example',
    })
    expect([...originHeaders(headers, client, origin('http://o'))]).toEqual([
      ['accept', 'text/html'],
      ['host', 'gw.test:8443'],
      ['via', VIA],
      ['x-forwarded-host', 'gw.test:8443'],
      ['x-forwarded-proto', 'https'],
    ])
  })

  it('sends the configured Host instead', () => {
    const out = originHeaders(
      new Headers(),
      client,
      origin('http://o', { hostHeader: 'app.internal' })
    )
    expect(out.get('host')).toBe('app.internal')
    expect(out.get('x-forwarded-host')).toBe('gw.test:8443')
  })

  it('appends to an existing Via', () => {
    const out = originHeaders(new Headers({ via: '1.1 cdn' }), client, origin('http://o'))
    expect(out.get('via')).toBe('1.1 cdn, 1.1 gripgate')
  })

  it('sends no body framing without a body, and the client’s length with one', () => {
    const headers = new Headers({ 'content-length': '39', 'transfer-encoding': 'chunked' })
    const bare = originHeaders(headers, client, origin('http://o'))
    expect(bare.has('content-length')).toBe(false)
    expect(bare.has('transfer-encoding')).toBe(false)
    const withBody = originHeaders(headers, client, origin('http://o'), { body: true })
    expect(withBody.get('content-length')).toBe('39')
    expect(withBody.has('transfer-encoding')).toBe(false)
  })

  it('drops every Proxy-* field and Proxy itself (httpoxy)', () => {
    const headers = new Headers({
      proxy: 'http://evil.test',
      'proxy-authorization': 'Basic eA==',
      'proxy-anything': '1',
      'x-proxy-kept': '1',
    })
    expect([...originHeaders(headers, client, origin('http://o')).keys()]).not.toContain('proxy')
    const names = [...originHeaders(headers, client, origin('http://o')).keys()]
    expect(names.filter((name) => name.includes('proxy'))).toEqual(['x-proxy-kept'])
  })

  it('names the client peer in X-Forwarded-For', () => {
    const out = originHeaders(new Headers({ 'x-forwarded-for': '6.6.6.6' }), client, origin('o'), {
      peer: { address: '192.0.2.1', trusted: false },
    })
    expect(out.get('x-forwarded-for')).toBe('192.0.2.1')
  })

  it('leaves its input alone', () => {
    const headers = new Headers({ via: '1.1 cdn' })
    originHeaders(headers, client, origin('http://o'))
    expect([...headers]).toEqual([['via', '1.1 cdn']])
  })
})

describe('forwarderFor', () => {
  const config = origin('http://127.0.0.1:9000/app')

  it('sends the request to the origin URL with origin headers', async () => {
    const memory = new MemoryOrigin(() => new Response('ok', { status: 201 }))
    const request = new Request('http://gw.test/items?x=1', { headers: { accept: 'text/plain' } })
    const forward = forwarderFor(memory, config, request)
    const response = await forward({ method: 'GET', headers: new Headers({ 'x-extra': '1' }) })
    expect(response.status).toBe(201)
    expect(await response.text()).toBe('ok')
    expect(memory.count).toBe(1)
    expect(memory.last.method).toBe('GET')
    expect(memory.last.url).toBe('http://127.0.0.1:9000/app/items?x=1')
    expect(memory.last.origin).toBe(config)
    expect([...memory.last.headers]).toEqual([
      ['host', 'gw.test'],
      ['via', VIA],
      ['x-extra', '1'],
      ['x-forwarded-host', 'gw.test'],
      ['x-forwarded-proto', 'http'],
    ])
  })

  it('streams a body for methods that have one', async () => {
    let received = ''
    const memory = new MemoryOrigin(async (request) => {
      received = await request.text()
      return new Response(null, { status: 204 })
    })
    const request = new Request('http://gw.test/items', { method: 'POST', body: 'payload' })
    const forward = forwarderFor(memory, config, request)
    await forward({ method: 'POST', headers: request.headers, body: request.body })
    expect(memory.last.method).toBe('POST')
    expect(received).toBe('payload')
  })

  it('never sends a body with GET or HEAD', async () => {
    let received: string | undefined
    const memory = new MemoryOrigin(async (request) => {
      received = await request.text()
      return new Response('x')
    })
    const request = new Request('http://gw.test/items', { method: 'POST', body: 'payload' })
    const forward = forwarderFor(memory, config, request)
    await forward({ method: 'GET', headers: new Headers(), body: request.body })
    expect(received).toBe('')
    expect(memory.last.method).toBe('GET')
  })

  it('never announces a GET body it does not send (request smuggling)', async () => {
    const memory = new MemoryOrigin(() => new Response('x'))
    const request = new Request('http://gw.test/a', {
      headers: { 'content-length': '39', 'transfer-encoding': 'chunked' },
    })
    const forward = forwarderFor(memory, config, request)
    await forward({ method: 'GET', headers: request.headers })
    expect(memory.last.headers.has('content-length')).toBe(false)
    expect(memory.last.headers.has('transfer-encoding')).toBe(false)
  })

  it('sends a body with its own Content-Length, and none without a body', async () => {
    let received = ''
    const memory = new MemoryOrigin(async (request) => {
      received = await request.text()
      return new Response(null, { status: 204 })
    })
    const request = new Request('http://gw.test/items', {
      method: 'POST',
      headers: { 'content-length': '7' },
      body: 'payload',
    })
    await forwarderFor(
      memory,
      config,
      request
    )({
      method: 'POST',
      headers: request.headers,
      body: request.body,
    })
    expect(received).toBe('payload')
    expect(memory.last.headers.get('content-length')).toBe('7')
    const empty = new Request('http://gw.test/items', {
      method: 'POST',
      headers: { 'content-length': '7' },
    })
    await forwarderFor(
      memory,
      config,
      empty
    )({ method: 'POST', headers: empty.headers, body: null })
    expect(memory.last.headers.has('content-length')).toBe(false)
  })

  it('names the origin on its errors, for the client (origin-failure.ts)', async () => {
    const memory = new MemoryOrigin(() => new Response('never'))
    memory.setState('unreachable')
    const forward = forwarderFor(memory, config, new Request('http://gw.test/'), undefined, {
      name: 'app',
    })
    await expect(forward({ method: 'GET', headers: new Headers() })).rejects.toMatchObject({
      origin: 'app',
    })
  })

  it('errors a body that stalls past idleTimeoutMs on the clock, naming the origin and logging it', async () => {
    const memory = new MemoryOrigin(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'))
            },
          })
        )
    )
    const logger = new CaptureLogger()
    const clock = new FakeClock()
    const forward = forwarderFor(
      memory,
      { ...config, idleTimeoutMs: 5_000 },
      new Request('http://gw.test/'),
      undefined,
      { name: 'app', logger, clock }
    )
    const response = await forward({ method: 'GET', headers: new Headers() })
    const failure = response.text()
    failure.catch(() => {})
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(logger.records).toEqual([])
    clock.advance(5_000)
    await expect(failure).rejects.toBeInstanceOf(OriginTimeoutError)
    await expect(failure).rejects.toMatchObject({ origin: 'app' })
    expect(logger.records).toMatchObject([
      { level: 'warn', msg: 'origin stalled mid-body', fields: { origin: 'app' } },
    ])
  })

  it('does not follow redirects', async () => {
    const memory = new MemoryOrigin(
      () => new Response(null, { status: 302, headers: { location: '/elsewhere' } })
    )
    const forward = forwarderFor(memory, config, new Request('http://gw.test/old'))
    const response = await forward({ method: 'GET', headers: new Headers() })
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/elsewhere')
    expect(memory.count).toBe(1)
  })

  it.each([
    [
      'unreachable',
      OriginUnreachableError,
      'origin http://127.0.0.1:9000/app unreachable: connection refused',
    ],
    ['slow', OriginTimeoutError, 'origin http://127.0.0.1:9000/app did not answer within 1000 ms'],
  ] as const)('passes on the %s origin error', async (state, type, message) => {
    const memory = new MemoryOrigin(() => new Response('never'))
    memory.setState(state)
    const forward = forwarderFor(memory, config, new Request('http://gw.test/'))
    const failure = forward({ method: 'GET', headers: new Headers() })
    await expect(failure).rejects.toBeInstanceOf(type)
    await expect(failure).rejects.toThrow(message)
    expect(memory.count).toBe(1)
  })
})
