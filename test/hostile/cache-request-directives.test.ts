/**
 * Issue #12 item 13: a client's `Cache-Control: no-cache` or `Pragma: no-cache` used to send
 * a fresh hit to the origin, so any client could load the origin at will through the edge.
 * By default the edge now serves fresh hits whatever the request says, as CDNs do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleLogger } from '../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let origin: FixtureOrigin
let gateway: RunningGateway

beforeAll(async () => {
  origin = await startFixtureOrigin()
  origin.on('/page', {
    headers: { 'content-type': 'text/plain', 'cache-control': 'public, max-age=300' },
    body: 'cached page\n',
  })
  const config = parseConfig(
    { origins: { app: { url: origin.url } }, routes: [{ path: '/*', origin: 'app' }] },
    {}
  )
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  gateway = await startGateway({
    config: config.value,
    port: 0,
    host: '127.0.0.1',
    logger: consoleLogger('error'),
  })
})

afterAll(async () => {
  await gateway?.close(500)
  await origin?.close()
})

describe('client cache directives (issue #12 item 13)', () => {
  it('keeps answering from the edge when clients insist on the origin', async () => {
    const port = Number(new URL(gateway.url).port)
    const get = (extra: string) => `GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`
    await rawExchange(port, get('Connection: close\r\n'))
    const insisting = [
      'Cache-Control: no-cache\r\n',
      'Pragma: no-cache\r\n',
      'Cache-Control: max-age=0\r\n',
      'Cache-Control: no-store\r\n',
      'Cache-Control: no-cache\r\nPragma: no-cache\r\n',
    ]
    // Twenty requests pipelined on one connection, the last one closing it.
    const requests = Array.from({ length: 20 }, (_, i) => {
      const close = i === 19 ? 'Connection: close\r\n' : ''
      return get(`${insisting[i % insisting.length]}${close}`)
    })
    const raw = await rawExchange(port, requests.join(''), { idleMs: 1_000 })
    expect(statusCodes(raw.text)).toEqual(Array(20).fill(200))
    expect(raw.text.match(/x-cache: HIT/gi)).toHaveLength(20)
    expect(origin.hits('/page')).toBe(1)
  })
})
