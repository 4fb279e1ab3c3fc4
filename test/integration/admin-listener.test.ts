/**
 * Issue #17, observability on Node: the admin listener (/healthz, /readyz, /metrics, the
 * control API), the access log with request ids, and every error the gateway answers logged
 * with its cause. A real gateway and a real origin on 127.0.0.1.
 */
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { StreamReader } from '../helpers/stream-clients.ts'

const KEY = 'publish-key-for-admin-tests'
const AUTH = { authorization: `Bearer ${KEY}` }

function configFor(origin: FixtureOrigin, publicControl: boolean): GatewayConfig {
  const parsed = parseConfig(
    {
      origins: { app: { url: origin.url }, dead: { url: 'http://127.0.0.1:1', timeoutMs: 2000 } },
      routes: [
        { path: '/dead/*', origin: 'dead' },
        { path: '/*', origin: 'app' },
      ],
      grip: { key: 'grip-key-for-admin-tests' },
      publish: { keys: [KEY], public: publicControl },
      admin: { port: 0 },
    },
    {}
  )
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error))
  return parsed.value
}

/** A pino logger whose lines are kept as parsed objects. */
function capturedPino() {
  const lines: Array<Record<string, unknown>> = []
  const log = pino(
    { level: 'info', formatters: { level: (label) => ({ level: label }) } },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) }
  )
  return { log, lines }
}

/** Resolves once `check` holds for the lines (the access line is written after the response). */
async function waitFor<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find()
    if (found !== undefined) return found
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('the admin listener and the access log', () => {
  let origin: FixtureOrigin
  let running: RunningGateway
  const logger = new CaptureLogger()
  const access = capturedPino()

  beforeAll(async () => {
    origin = await startFixtureOrigin()
    origin.on('/cached', {
      headers: { 'cache-control': 'max-age=300', 'surrogate-key': 'item-1' },
      body: 'cached body',
    })
    origin.on('/publish/', { body: 'the origin must never see this' })
    origin.on('/events', {
      headers: {
        'content-type': 'text/event-stream',
        'grip-hold': 'stream',
        'grip-channel': 'news',
      },
    })
    running = await startGateway({
      config: configFor(origin, false),
      port: 0,
      host: '127.0.0.1',
      logger,
      log: access.log,
    })
  })
  afterAll(async () => {
    await running?.close(1000)
    await origin?.close()
  })

  it('listens on its own port, loopback by default', () => {
    expect(running.adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(running.adminUrl).not.toBe(running.url)
  })

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${running.adminUrl}/healthz`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${running.adminUrl}/readyz`)
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { listening: true, draining: true },
    })
  })

  it('refuses other methods on the probes and serves nothing else', async () => {
    const post = await fetch(`${running.adminUrl}/healthz`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    const other = await fetch(`${running.adminUrl}/cached`)
    expect(other.status).toBe(404)
    expect(origin.hits('/cached')).toBe(0)
  })

  it('counts cache lookups, origin requests and held connections in /metrics', async () => {
    await (await fetch(`${running.url}/cached`)).text()
    await (await fetch(`${running.url}/cached`)).text()
    const stream = await StreamReader.open(`${running.url}/events`)
    try {
      const res = await fetch(`${running.adminUrl}/metrics`)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = await res.text()
      expect(text).toContain('gripgate_cache_lookups_total{result="hit"} 1')
      // The stream's request took the pull path too: a miss whose answer was a hold.
      expect(text).toContain('gripgate_cache_lookups_total{result="miss"} 2')
      expect(text).toContain('gripgate_origin_requests_total{origin="app",class="2xx"} 2')
      expect(text).toContain('gripgate_origin_request_duration_seconds_count{origin="app"} 2')
      expect(text).toContain('gripgate_held_connections{transport="stream"} 1')
      expect(text).toContain('gripgate_subscriptions 1')
      expect(text).toMatch(/gripgate_cache_objects 1\n/)
      expect(text).toMatch(/gripgate_cache_bytes [1-9]\d*\n/)
      // prom-client's default process metrics.
      expect(text).toContain('process_resident_memory_bytes')
      expect(text).toContain('nodejs_eventloop_lag_seconds')
    } finally {
      stream.close()
    }
  })

  it('keeps publish off the public listener with publish.public false, and never sends it to the origin', async () => {
    const res = await fetch(`${running.url}/publish/`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [] }),
    })
    expect(res.status).toBe(404)
    expect(origin.hits('/publish/')).toBe(0)
    expect((await fetch(`${running.url}/_gripgate/stats`, { headers: AUTH })).status).toBe(404)
  })

  it('publishes and purges through the admin listener, with the same keys', async () => {
    const stream = await StreamReader.open(`${running.url}/events`)
    try {
      const refused = await fetch(`${running.adminUrl}/publish/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"items":[]}',
      })
      expect(refused.status).toBe(401)
      const published = await fetch(`${running.adminUrl}/publish/`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({
          items: [{ channel: 'news', formats: { 'http-stream': { content: 'pushed\n' } } }],
        }),
      })
      expect(published.status).toBe(200)
      await stream.waitForText((text) => text.includes('pushed'), 'the published item')
      const purge = await fetch(`${running.adminUrl}/_gripgate/purge`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ keys: ['item-1'] }),
      })
      expect(await purge.json()).toMatchObject({ purged: 1, keys: ['item-1'] })
      const stats = await fetch(`${running.adminUrl}/_gripgate/stats`, { headers: AUTH })
      expect(stats.status).toBe(200)
      const text = await (await fetch(`${running.adminUrl}/metrics`)).text()
      expect(text).toContain('gripgate_publishes_total{outcome="accepted"} 1')
      expect(text).toContain('gripgate_publishes_total{outcome="refused"} 1')
      expect(text).toContain('gripgate_published_items_total{outcome="released"} 1')
      expect(text).toMatch(/gripgate_deliveries_total [1-9]/)
      // The purge request, plus the publish's purge of its channel name.
      expect(text).toContain('gripgate_purges_total 2')
      expect(text).toContain('gripgate_purged_objects_total 1')
    } finally {
      stream.close()
    }
  })

  it('gives every response a request id, keeps a sane one the client sent, and passes it to the origin', async () => {
    const fresh = await fetch(`${running.url}/cached`)
    await fresh.text()
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
    const kept = await fetch(`${running.url}/cached`, { headers: { 'x-request-id': 'abc-123' } })
    await kept.text()
    expect(kept.headers.get('x-request-id')).toBe('abc-123')
    const replaced = await fetch(`${running.url}/nowhere`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    })
    await replaced.text()
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
    expect(origin.requests.at(-1)?.headers['x-request-id']).toBe(
      replaced.headers.get('x-request-id')
    )
  })

  it('logs one access line per request: method, path, status, cache result, origin, time, bytes, id', async () => {
    const res = await fetch(`${running.url}/cached?q=1`, { headers: { 'x-request-id': 'line-1' } })
    const body = await res.text()
    const line = await waitFor(
      () => access.lines.find((l) => l.msg === 'request' && l.id === 'line-1'),
      'the access line'
    )
    expect(line).toMatchObject({
      level: 'info',
      method: 'GET',
      path: '/cached',
      status: 200,
      cache: 'MISS',
      origin: 'app',
    })
    expect(line.ms).toEqual(expect.any(Number))
    expect(line.bytes as number).toBeGreaterThan(body.length)
    // A quick hit, answered before the framework, is logged too.
    await (
      await fetch(`${running.url}/cached?q=1`, { headers: { 'x-request-id': 'line-2' } })
    ).text()
    const hit = await waitFor(
      () => access.lines.find((l) => l.id === 'line-2'),
      'the access line of a hit'
    )
    expect(hit).toMatchObject({ status: 200, cache: 'HIT', origin: 'app' })
  })

  it('gives a held stream the request id and logs its cache result when it ends (issue #18)', async () => {
    // A held stream's head is written without setHeader (so Node keeps no field list for it):
    // the id and the access line's cache result still come out as for any other response.
    const kept = await StreamReader.open(`${running.url}/events`, { 'x-request-id': 'held-1' })
    const fresh = await StreamReader.open(`${running.url}/events`)
    try {
      expect(kept.response.headers.get('x-request-id')).toBe('held-1')
      expect(fresh.response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{12}-[0-9a-z]+$/)
      expect(origin.requests.at(-1)?.headers['x-request-id']).toBe(
        fresh.response.headers.get('x-request-id')
      )
    } finally {
      kept.close()
      fresh.close()
    }
    const line = await waitFor(
      () => access.lines.find((l) => l.msg === 'request' && l.id === 'held-1'),
      'the access line of the held stream'
    )
    expect(line).toMatchObject({ method: 'GET', path: '/events', status: 200, origin: 'app' })
    expect(line.cache).toBe(kept.response.headers.get('x-cache') ?? undefined)
    expect(line.cache).toEqual(expect.any(String))
  })

  it('logs a 502 with the origin error the client is not shown', async () => {
    const res = await fetch(`${running.url}/dead/x`, { headers: { 'x-request-id': 'dead-1' } })
    expect(res.status).toBe(502)
    expect(await res.text()).not.toContain('127.0.0.1:1')
    const record = logger.records.find((r) => r.fields?.requestId === 'dead-1')
    expect(record).toMatchObject({
      level: 'warn',
      fields: { status: 502, code: 'ORIGIN_UNREACHABLE', path: '/dead/x' },
    })
    expect(String(record?.fields?.cause)).toContain('127.0.0.1:1')
    const text = await (await fetch(`${running.adminUrl}/metrics`)).text()
    expect(text).toContain('gripgate_origin_requests_total{origin="dead",class="error"} 1')
  })

  it('logs the 4xx it answers itself at info, with its code', async () => {
    await (
      await fetch(`${running.url}/_gripgate/nothing`, { headers: { 'x-request-id': 'nf-1' } })
    ).text()
    expect(logger.records.find((r) => r.fields?.requestId === 'nf-1')).toMatchObject({
      level: 'info',
      fields: { status: 404, code: 'ROUTE_NOT_FOUND' },
    })
  })
})

describe('readiness while draining', () => {
  it('answers 503 on /readyz once a shutdown began, until the admin listener closes', async () => {
    const origin = await startFixtureOrigin()
    origin.on('/events', {
      headers: { 'content-type': 'text/event-stream', 'grip-hold': 'stream', 'grip-channel': 'c' },
    })
    const running = await startGateway({
      config: configFor(origin, true),
      port: 0,
      host: '127.0.0.1',
      logger: new CaptureLogger(),
    })
    // A held stream keeps the drain going while /readyz is asked.
    const stream = await StreamReader.open(`${running.url}/events`)
    const closed = running.close(3000)
    try {
      expect(running.readiness()).toMatchObject({
        ready: false,
        checks: { draining: 'shutting down' },
      })
    } finally {
      stream.close()
      await closed
      await origin.close()
    }
  })
})
