/**
 * An origin whose status line carries control characters in its reason phrase (found by the
 * fuzz, issue #12): llhttp accepts `HTTP/1.1 200 O\x01K`, and `new Response` refused the
 * reason, so the client got 500 INTERNAL for an answer that was fine. The reason is dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { type RawOrigin, startRawOrigin } from '../helpers/raw-origin.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup<RawOrigin>

beforeAll(async () => {
  h = await startHostile({}, [], { origin: startRawOrigin })
})

afterAll(() => h?.close())

describe('an origin reason phrase with control characters', () => {
  it('is dropped; the answer still reaches the client', async () => {
    h.origin.answer('HTTP/1.1 200 O\x01K\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
    const exchange = await rawExchange(h.port, 'GET /r HTTP/1.1\r\nHost: gw\r\n\r\n', {
      until: (text) => text.endsWith('\r\n\r\nok'),
    })
    expect(statusCodes(exchange.text)).toEqual([200])
    expect(exchange.text).not.toContain('\x01')
    expect(exchange.text.endsWith('\r\n\r\nok')).toBe(true)
  })
})
