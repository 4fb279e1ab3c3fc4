/**
 * Request targets that try to leave their route (issue #12): absolute-form targets naming
 * another host, dot segments and their encodings, backslashes. Routes are chosen on the
 * normalized path, and the origin gets the path the route was chosen for, never one that
 * resolves outside the route's prefix. Forwarded headers and /_gripgate/ have their own tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup
/** The origin of `/api/*` only; everything else goes to `h.origin` (for host `gw`) or nowhere. */
let api: FixtureOrigin

beforeAll(async () => {
  api = await startFixtureOrigin()
  h = await startHostile({ origins: { api: { url: api.url } } }, [
    { path: '/api/*', origin: 'api' },
  ])
  api.on('/api/x', { body: 'api' })
  h.origin.on('/admin', { body: 'admin' })
  h.origin.on('/x', { body: 'x' })
})

afterAll(async () => {
  await h?.close()
  await api?.close()
})

/** Sends a raw GET for `target` and returns the statuses and who got what. */
async function get(target: string, host = 'gw') {
  const apiBefore = api.requests.length
  const appBefore = h.origin.requests.length
  const exchange = await rawExchange(h.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\n\r\n`)
  return {
    codes: statusCodes(exchange.text),
    api: api.requests.slice(apiBefore).map((r) => r.path),
    app: h.origin.requests.slice(appBefore).map((r) => ({ path: r.path, host: r.headers.host })),
  }
}

describe('dot segments are resolved before the route is chosen', () => {
  it.each([
    '/api/../admin',
    '/api/%2e%2e/admin',
    '/api/%2E%2E/admin',
    '/api/.%2e/admin',
    '/api/./../admin',
    '/api/x/../../admin',
  ])('%s goes to /admin on the catch-all origin, never to the /api/* origin', async (target) => {
    const result = await get(target)
    expect(result.codes).toEqual([200])
    expect(result.api).toEqual([])
    expect(result.app.map((r) => r.path)).toEqual(['/admin'])
  })

  it('an encoded slash stays encoded: /api/..%2fadmin is an /api/ path and reaches it as sent', async () => {
    const result = await get('/api/..%2fadmin')
    expect(result.api).toEqual(['/api/..%2fadmin'])
    expect(result.app).toEqual([])
  })

  it('a backslash in the path is refused, not read as a slash', async () => {
    const result = await get('/api/..\\admin')
    expect(result.codes).toEqual([400])
    expect(result.api).toEqual([])
    expect(result.app).toEqual([])
  })
})

describe('absolute-form targets (RFC 9112 §3.2.2)', () => {
  it('a target naming another host goes to the configured origin only, for that host', async () => {
    const result = await get('http://evil.example/x')
    // The authority of the target replaces Host; the route (no host) sends it to the
    // configured origin, which is told the host the client asked for.
    expect(result.app).toEqual([{ path: '/x', host: 'evil.example' }])
    expect(result.api).toEqual([])
  })

  it('a target with credentials or another port does not reach another origin', async () => {
    for (const target of ['http://user:pw@evil.example/api/x', 'http://evil.example:1/api/x']) {
      const result = await get(target)
      expect(
        result.codes.every((code) => code < 500),
        target
      ).toBe(true)
      expect(result.app, target).toEqual([])
      expect(
        result.api.every((path) => path === '/api/x'),
        target
      ).toBe(true)
    }
  })
})
