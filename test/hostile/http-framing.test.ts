/**
 * Malformed and oversized HTTP/1.x over a raw socket (issue #12): what Node's parser must
 * refuse before the gateway sees it, and what the gateway must answer without reaching the
 * origin, crashing or holding anything. Request smuggling, h2c upgrades and duplicate Host
 * fields have their own tests.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile()
  h.origin.on('/a', { body: 'a' })
})

afterAll(() => h?.close())

/** Sends `raw` and returns the statuses answered and the origin requests it caused. */
async function attack(raw: string | string[], options = {}) {
  const before = h.origin.requests.length
  const exchange = await rawExchange(h.port, raw, { idleMs: 300, maxMs: 5_000, ...options })
  return {
    ...exchange,
    codes: statusCodes(exchange.text),
    reachedOrigin: h.origin.requests.length - before,
  }
}

const GET = (head: string) => `GET /a HTTP/1.1\r\nHost: gw\r\n${head}\r\n`

describe('refused by the HTTP parser, never forwarded', () => {
  it.each([
    { name: 'a 20 KiB header (431)', raw: GET(`X-Big: ${'a'.repeat(20_000)}\r\n`), code: 431 },
    {
      name: 'a 100 KiB URL (431: the target counts toward the head limit)',
      raw: `GET /a?${'q'.repeat(100_000)} HTTP/1.1\r\nHost: gw\r\n\r\n`,
      code: 431,
    },
    {
      name: '10,000 small header fields (431)',
      raw: GET('X-A: 1\r\n'.repeat(10_000)),
      code: 431,
    },
    {
      name: 'a chunk size that is not hex',
      raw: 'POST /a HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      code: 400,
    },
    {
      name: 'a chunk size past 2^64',
      raw: `POST /a HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n${'f'.repeat(20)}\r\nx\r\n`,
      code: 400,
    },
    { name: 'NUL in a field value', raw: GET('X-A: a\0b\r\n'), code: 400 },
    { name: 'a bare CR in a field value', raw: GET('X-A: a\rb\r\n'), code: 400 },
    { name: 'bare LF line ends', raw: 'GET /a HTTP/1.1\nHost: gw\nX-A: a\n\n', code: 400 },
    { name: 'a space before the colon', raw: GET('X-A : a\r\n'), code: 400 },
    { name: 'obsolete line folding', raw: GET('X-A: a\r\n b\r\n'), code: 400 },
    { name: 'an unknown method', raw: 'FOO /a HTTP/1.1\r\nHost: gw\r\n\r\n', code: 400 },
    { name: 'a lowercase method', raw: 'get /a HTTP/1.1\r\nHost: gw\r\n\r\n', code: 400 },
    { name: 'a target without a slash', raw: 'GET a HTTP/1.1\r\nHost: gw\r\n\r\n', code: 400 },
    { name: 'an HTTP/2 preface', raw: 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', code: 400 },
    { name: 'HTTP/3.0', raw: 'GET /a HTTP/3.0\r\nHost: gw\r\n\r\n', code: 400 },
  ])('$name', async ({ raw, code }) => {
    const result = await attack(raw)
    expect(result.codes).toEqual([code])
    expect(result.reachedOrigin).toBe(0)
  })

  it('a CONNECT is dropped, not tunnelled', async () => {
    const result = await attack(
      'CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n'
    )
    expect(result.codes).toEqual([])
    expect(result.closed).toBe(true)
    expect(result.reachedOrigin).toBe(0)
  })

  it('a target of "*" or a Host that is not a host name: 400, not forwarded', async () => {
    for (const raw of [
      'OPTIONS * HTTP/1.1\r\nHost: gw\r\n\r\n',
      'GET /a HTTP/1.1\r\nHost: gw evil\r\n\r\n',
      'GET /a HTTP/1.1\r\nHost: user@evil\r\n\r\n',
      'GET /a HTTP/1.1\r\nHost: evil/x\r\n\r\n',
    ]) {
      const result = await attack(raw)
      expect(result.codes, raw).toEqual([400])
      expect(result.reachedOrigin, raw).toBe(0)
    }
  })
})

describe('old and odd but valid requests', () => {
  it.each([
    { name: 'HTTP/1.0 without Host', raw: 'GET /a HTTP/1.0\r\n\r\n' },
    { name: 'HTTP/1.0 with Host', raw: 'GET /a HTTP/1.0\r\nHost: gw\r\n\r\n' },
  ])('$name is answered and the connection closed (no keep-alive asked)', async ({ raw }) => {
    const result = await attack(raw)
    expect(result.codes).toEqual([200])
    expect(result.text.endsWith('\r\n\r\na')).toBe(true)
    expect(result.closed).toBe(true)
  })

  it('500 pipelined requests in one write are all answered, in order', async () => {
    const result = await attack('GET /a HTTP/1.1\r\nHost: gw\r\n\r\n'.repeat(500), {
      until: (text: string) => statusCodes(text).length === 500,
      maxMs: 15_000,
    })
    expect(result.codes).toEqual(Array(500).fill(200))
  })
})

describe('slow clients', () => {
  it('50 connections trickling an unfinished head do not keep others from being served', async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 50 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect(h.port, '127.0.0.1', () => resolve(socket))
            socket.on('error', () => {})
          })
      )
    )
    try {
      for (const socket of sockets) socket.write('GET /a HTTP/1.1\r\nHo')
      for (const socket of sockets) socket.write('st: g')
      const served = await attack('GET /a HTTP/1.1\r\nHost: gw\r\n\r\n')
      expect(served.codes).toEqual([200])
      expect(sockets.every((socket) => !socket.destroyed)).toBe(true)
    } finally {
      for (const socket of sockets) socket.destroy()
    }
  })
})
