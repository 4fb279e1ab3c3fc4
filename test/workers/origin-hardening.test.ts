/**
 * Issue #12 on Workers (items 1, 8, 9, 11, 12): the Worker's gateway and the holders' way to
 * the origin, inside workerd. The origin is a recording `fetch` handed to the platform.
 */
import { createExecutionContext, env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { GatewayEnv } from '../../edge/cloudflare/env.ts'
import { errorResponse } from '../../edge/cloudflare/fanout/error-response.ts'
import { originSender } from '../../edge/cloudflare/fanout/origin-link.ts'
import { WorkersOrigin } from '../../edge/cloudflare/origin.ts'
import { cloudflarePlatform } from '../../edge/cloudflare/platform.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import { createGateway } from '../../src/gateway.ts'
import { OriginUnreachableError } from '../../src/platform.ts'
import { captureLogger, freshNamespace } from './helpers.ts'

const FORGED = {
  forwarded: 'for=6.6.6.6;host=evil.example',
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-host': 'evil.example',
  'x-real-ip': '6.6.6.6',
}

function configOf(raw: Record<string, unknown>): GatewayConfig {
  const parsed = parseConfig(
    {
      origins: { app: { url: 'http://origin.test', timeoutMs: 2000, idleTimeoutMs: 50 } },
      routes: [{ path: '/*', origin: 'app' }],
      ...raw,
    },
    {}
  )
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error))
  return parsed.value
}

/** The Worker's gateway over `answer`, recording every origin request. */
function workerGateway(answer: (request: Request) => Response | Promise<Response>, raw = {}) {
  const seen: Request[] = []
  const config = configOf(raw)
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    seen.push(request)
    return answer(request)
  }) as typeof fetch
  const testEnv = { ...env, GRIPGATE_CACHE_NAMESPACE: freshNamespace() } as unknown as GatewayEnv
  const pending: Promise<unknown>[] = []
  const platform = cloudflarePlatform({
    env: testEnv,
    config,
    fetch: fetcher,
    waitUntil: (work) => void pending.push(work.catch(() => {})),
  })
  const gateway = createGateway(platform, config)
  const request = (path: string, init?: RequestInit) =>
    gateway.app.fetch(
      new Request(`https://gw.test${path}`, init),
      testEnv,
      createExecutionContext()
    )
  return { seen, request, settle: () => Promise.all(pending) }
}

describe('origin requests from the Worker', () => {
  it('never announces a GET body it does not send (item 1)', async () => {
    const gw = workerGateway(() => new Response('ok'))
    const response = await gw.request('/a', {
      headers: { 'content-length': '39', 'transfer-encoding': 'chunked' },
    })
    expect(await response.text()).toBe('ok')
    expect(gw.seen[0]?.headers.has('content-length')).toBe(false)
    expect(gw.seen[0]?.headers.has('transfer-encoding')).toBe(false)
  })

  it('sets X-Forwarded-For from CF-Connecting-IP and drops the client’s fields (item 9)', async () => {
    const gw = workerGateway(() => new Response('ok'))
    await (
      await gw.request('/a', { headers: { ...FORGED, 'cf-connecting-ip': '203.0.113.7' } })
    ).text()
    const headers = gw.seen[0]!.headers
    expect(headers.get('x-forwarded-for')).toBe('203.0.113.7')
    expect(headers.get('x-forwarded-host')).toBe('gw.test')
    expect(headers.has('forwarded')).toBe(false)
    expect(headers.has('x-real-ip')).toBe(false)
  })

  it('extends the chain of a trusted proxy (item 9)', async () => {
    const gw = workerGateway(() => new Response('ok'), { trustedProxies: ['203.0.113.0/24'] })
    await (
      await gw.request('/a', { headers: { ...FORGED, 'cf-connecting-ip': '203.0.113.7' } })
    ).text()
    expect(gw.seen[0]?.headers.get('x-forwarded-for')).toBe('6.6.6.6, 203.0.113.7')
  })

  it('aborts a body that stalls past idleTimeoutMs and stores nothing (item 8)', async () => {
    const gw = workerGateway(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'))
            },
          }),
          { headers: { 'cache-control': 'public, max-age=60' } }
        )
    )
    const first = await gw.request('/stall')
    await expect(first.text()).rejects.toThrow()
    await gw.settle()
    const second = await gw.request('/stall')
    expect(second.headers.get('x-cache')).toBe('MISS')
    await expect(second.text()).rejects.toThrow()
    expect(gw.seen).toHaveLength(2)
  })

  it('names the origin, never its URL, when it cannot be reached (item 11)', async () => {
    const gw = workerGateway(() => {
      throw new Error('Network connection lost.')
    })
    const response = await gw.request('/a')
    expect(response.status).toBe(502)
    const text = await response.text()
    expect(text).not.toContain('origin.test')
    expect(text).not.toContain('Network connection lost')
    expect(JSON.parse(text)).toMatchObject({ detail: 'origin "app" could not be reached' })
  })

  it('answers 404 under /_gripgate/ without publish, reaching no origin (item 12)', async () => {
    const gw = workerGateway(() => new Response('from the origin'))
    for (const path of ['/_gripgate/purge', '/_gripgate/stats', '/_gripgate/x', '/%5Fgripgate/x']) {
      const response = await gw.request(path, { method: path.endsWith('purge') ? 'POST' : 'GET' })
      expect(response.status, path).toBe(404)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
    expect(gw.seen).toEqual([])
  })

  it('refuses a Host that is a list of two (item 10)', async () => {
    const gw = workerGateway(() => new Response('ok'))
    const response = await gw.request('/a', { headers: { host: 'gw.test, evil.example' } })
    expect(response.status).toBe(400)
    expect(gw.seen).toEqual([])
  })

  it('the deployed Worker answers 404 for an unknown /_gripgate/ path', async () => {
    const response = await SELF.fetch('https://gw.test/_gripgate/unknown')
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' })
  })
})

describe('origin requests from a holder (fanout/origin-link.ts)', () => {
  it('forwards for the client the replayed request came from; links carry no address', async () => {
    const seen: Request[] = []
    const origin = new WorkersOrigin((async (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(new Request(input, init))
      return new Response('ok')
    }) as typeof fetch)
    const clock = { now: () => Date.now(), schedule: () => () => {} }
    const send = originSender(configOf({}), origin, clock)
    await send(
      new Request('https://gw.test/a', {
        headers: { ...FORGED, 'cf-connecting-ip': '198.51.100.9' },
      }),
      { direct: true }
    )
    await send(new Request('https://gw.test/next'), { direct: true })
    expect(seen[0]?.headers.get('x-forwarded-for')).toBe('198.51.100.9')
    expect(seen[0]?.headers.has('forwarded')).toBe(false)
    expect(seen[1]?.headers.has('x-forwarded-for')).toBe(false)
  })

  it('renders origin failures without the address (error-response.ts)', async () => {
    const logger = captureLogger()
    const response = errorResponse(
      new OriginUnreachableError('origin http://10.0.0.7:9000 unreachable: internal error', {
        origin: 'app',
      }),
      logger
    )
    expect(response.status).toBe(502)
    expect(await response.text()).not.toContain('10.0.0.7')
    expect(logger.lines).toMatchObject([{ level: 'warn', msg: 'origin unreachable' }])
  })
})
