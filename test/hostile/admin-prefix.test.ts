/**
 * Issue #12, item 12: the gateway's own prefix `/_gripgate/` never reaches an origin. Unknown
 * paths under it were forwarded (and, without `publish`, so were `/_gripgate/purge` and
 * `/_gripgate/stats`), so an origin could answer, and be cached, under the gateway's names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { type HostileGateway, startHostileGateway } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let origin: FixtureOrigin
let withoutPublish: HostileGateway
let withPublish: HostileGateway

beforeAll(async () => {
  origin = await startFixtureOrigin()
  const base = {
    origins: { app: { url: origin.url } },
    routes: [{ path: '/*', origin: 'app' }],
  }
  withoutPublish = await startHostileGateway(base)
  withPublish = await startHostileGateway({ ...base, publish: { keys: ['admin-test-key'] } })
})

afterAll(async () => {
  await withoutPublish.close()
  await withPublish.close()
  await origin.close()
})

const PATHS = [
  '/_gripgate/purge',
  '/_gripgate/stats',
  '/_gripgate/anything/else',
  '/_gripgate',
  '/%5Fgripgate/purge',
  '/%5fgripgate/x',
  '//_gripgate/purge',
]

async function expectNotFound(gateway: HostileGateway, method: string, path: string) {
  // Raw, so the path reaches the gateway exactly as written.
  const exchange = await rawExchange(
    gateway.port,
    `${method} ${path} HTTP/1.1\r\nHost: gw.test\r\nContent-Length: 2\r\n\r\n{}`,
    { until: (text) => text.includes('}\n') }
  )
  expect(statusCodes(exchange.text), `${method} ${path}`).toEqual([404])
  expect(exchange.text.toLowerCase()).toContain('content-type: application/problem+json')
  expect(exchange.text).toContain('"code":"ROUTE_NOT_FOUND"')
}

describe('the /_gripgate/ prefix', () => {
  it.each(PATHS)('is 404 without publish, never forwarded: %s', async (path) => {
    const before = origin.requests.length
    await expectNotFound(withoutPublish, 'GET', path)
    await expectNotFound(withoutPublish, 'POST', path)
    expect(origin.requests.slice(before)).toEqual([])
  })

  it('is 404 for unknown paths with publish configured; the endpoints stay', async () => {
    const before = origin.requests.length
    await expectNotFound(withPublish, 'GET', '/_gripgate/unknown')
    await expectNotFound(withPublish, 'POST', '/%5Fgripgate/unknown')
    const stats = await fetch(`${withPublish.url}/_gripgate/stats`)
    expect(stats.status).toBe(401)
    const purge = await fetch(`${withPublish.url}/_gripgate/purge`)
    expect(purge.status).toBe(405)
    expect(origin.requests.slice(before)).toEqual([])
  })
})
