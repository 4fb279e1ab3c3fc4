/**
 * Issue #12 item 13: a client's `Cache-Control: no-cache` or `Pragma: no-cache` used to send
 * a fresh hit to the origin, so any client could load the origin at will through the edge.
 * By default the edge now serves fresh hits whatever the request says, as CDNs do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile()
  h.origin.on('/page', {
    headers: { 'content-type': 'text/plain', 'cache-control': 'public, max-age=300' },
    body: 'cached page\n',
  })
})

afterAll(() => h?.close())

describe('client cache directives (issue #12 item 13)', () => {
  it('keeps answering from the edge when clients insist on the origin', async () => {
    const get = (extra: string) => `GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n${extra}\r\n`
    await rawExchange(h.port, get('Connection: close\r\n'))
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
    const raw = await rawExchange(h.port, requests.join(''), { idleMs: 1_000 })
    expect(statusCodes(raw.text)).toEqual(Array(20).fill(200))
    expect(raw.text.match(/x-cache: HIT/gi)).toHaveLength(20)
    expect(h.origin.hits('/page')).toBe(1)
  })
})
