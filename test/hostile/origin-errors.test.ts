/**
 * Issue #12, item 11: an origin failure tells the client the origin's name from the config,
 * never its URL or the socket error (`origin http://127.0.0.1:9000 unreachable: connect
 * ECONNREFUSED` named internal addresses in 502 bodies and WebSocket close reasons). The
 * detail is logged at warn.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWsOrigin, type WsOrigin } from '../../fixtures/ws-origin/origin.ts'
import { type HostileGateway, startHostileGateway } from '../helpers/hostile-gateway.ts'
import { connectWs, refusedHandshake } from '../helpers/ws-client.ts'

const GRIP_KEY = 'errors-test-grip-key'
/** Anything that would tell a client where the origin lives or what the socket said. */
const LEAKS = /127\.0\.0\.1|localhost|ECONNREFUSED|http:\/\//

let silent: http.Server
let doomed: WsOrigin
let gateway: HostileGateway

beforeAll(async () => {
  // Accepts and never answers: a response head that never comes.
  silent = http.createServer(() => {})
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  doomed = await startWsOrigin({ key: GRIP_KEY })
  gateway = await startHostileGateway({
    origins: {
      down: { url: 'http://127.0.0.1:1' },
      slow: { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, timeoutMs: 200 },
      doomed: { url: doomed.url },
    },
    routes: [
      { path: '/down/*', origin: 'down' },
      { path: '/slow/*', origin: 'slow' },
      { path: '/ws/*', origin: 'doomed', cache: false },
    ],
    grip: { key: GRIP_KEY },
  })
})

afterAll(async () => {
  await gateway.close()
  silent.closeAllConnections()
  await new Promise<void>((resolve) => silent.close(() => resolve()))
  await doomed.close()
})

describe('origin failures as clients see them', () => {
  it('names an unreachable origin by its config name; the log keeps the address', async () => {
    const response = await fetch(`${gateway.url}/down/x`)
    expect(response.status).toBe(502)
    const text = await response.text()
    expect(text).not.toMatch(LEAKS)
    expect(JSON.parse(text)).toMatchObject({
      code: 'ORIGIN_UNREACHABLE',
      detail: 'origin "down" could not be reached',
    })
    // One line for the answer, with the cause the client is not shown (issue #17).
    const logged = gateway.logger.records.find((r) => r.msg === 'gateway error answered')
    expect(logged?.level).toBe('warn')
    expect(logged?.fields).toMatchObject({ status: 502, code: 'ORIGIN_UNREACHABLE' })
    expect(String(logged?.fields?.cause)).toMatch(/http:\/\/127\.0\.0\.1:1.*ECONNREFUSED/)
  })

  it('names a slow origin by its config name', async () => {
    const response = await fetch(`${gateway.url}/slow/x`)
    expect(response.status).toBe(504)
    const text = await response.text()
    expect(text).not.toMatch(LEAKS)
    expect(JSON.parse(text)).toMatchObject({
      code: 'ORIGIN_TIMEOUT',
      detail: 'origin "slow" did not answer in time',
    })
  })

  it('refuses a WebSocket whose origin is down without naming the address', async () => {
    const down = await startHostileGateway({
      origins: { down: { url: 'http://127.0.0.1:1' } },
      routes: [{ path: '/*', origin: 'down', cache: false }],
    })
    try {
      const refused = await refusedHandshake(`${down.url.replace(/^http/, 'ws')}/ws/x`)
      expect(refused.status).toBe(502)
      expect(refused.body).not.toMatch(LEAKS)
    } finally {
      await down.close()
    }
  })

  it('closes a WebSocket whose origin went away with a reason that names no address', async () => {
    const client = await connectWs(`${gateway.url.replace(/^http/, 'ws')}/ws/doomed-room`)
    try {
      expect(await client.next()).toEqual({ data: 'welcome', binary: false })
      await doomed.close()
      client.ws.send('anyone there?')
      const closed = await client.waitClose(10_000)
      expect(closed.code).toBe(1011)
      expect(closed.reason).not.toMatch(LEAKS)
      const logged = gateway.logger.records.find((r) => r.msg === 'websocket origin failure')
      expect(String(logged?.fields?.reason)).toContain(doomed.url)
    } finally {
      client.ws.terminate()
    }
  })
})
