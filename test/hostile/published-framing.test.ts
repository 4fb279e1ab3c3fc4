/**
 * Issue #12 item 5: a published `http-response` names the headers the held client gets, and
 * framing or hop-by-hop fields among them used to reach the client as given. `Content-Length:
 * 2` with an 11-byte body desynchronised the client's keep-alive connection. The client here
 * is a raw socket: it sees exactly the bytes the gateway wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE_KEY, type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile({ grip: { key: 'framing-grip-key' } }, [], { cache: false })
  h.origin.on('/plain', { headers: { 'content-type': 'text/plain' }, body: 'second\n' })
})

afterAll(() => h?.close())

/** Publishes until the held poll is subscribed and answered (publishes before that are lost). */
async function publishUntil(channel: string, headers: Record<string, string>, done: () => boolean) {
  for (let round = 0; round < 50 && !done(); round++) {
    const res = await fetch(`${h.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HOSTILE_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [{ channel, formats: { 'http-response': { headers, body: 'hello world' } } }],
      }),
    })
    expect(res.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** The head and body of the first response in `text`, framed by its Content-Length. */
function firstResponse(text: string) {
  const end = text.indexOf('\r\n\r\n')
  const head = text.slice(0, end)
  const lengths = [...head.matchAll(/^content-length:\s*(\d+)\s*$/gim)].map((m) => Number(m[1]))
  const length = lengths[0] ?? -1
  return {
    head,
    lengths,
    chunked: /^transfer-encoding:/im.test(head),
    body: text.slice(end + 4, end + 4 + length),
    rest: text.slice(end + 4 + length),
  }
}

describe('framing headers in a published http-response (issue #12 item 5)', () => {
  it.each<{ name: string; headers: Record<string, string> }>([
    { name: 'a short Content-Length', headers: { 'Content-Length': '2' } },
    {
      name: 'Transfer-Encoding and Content-Length together',
      headers: { 'Transfer-Encoding': 'chunked', 'Content-Length': '200' },
    },
    {
      name: 'hop-by-hop fields',
      headers: {
        Connection: 'close, x-secret',
        'X-Secret': 'hop',
        'Keep-Alive': 'timeout=1',
        Upgrade: 'h2c',
        TE: 'trailers',
        Trailer: 'x-t',
        'Proxy-Connection': 'close',
      },
    },
  ])(
    'answers the held poll well framed with $name, and the connection stays usable',
    async ({ headers }) => {
      const channel = `framing-${Object.keys(headers).join('-')}`
      const path = `/poll-${channel}`
      h.origin.on(path, {
        headers: { 'content-type': 'text/plain', 'grip-hold': 'response', 'grip-channel': channel },
        body: 'timeout\n',
      })
      let answered = false
      const exchange = rawExchange(
        h.port,
        [
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
          // Pipelined: the second request is answered only after the first, on the same socket.
          'GET /plain HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
        ],
        {
          maxMs: 8_000,
          until: (text) => {
            answered ||= text.includes('HTTP/1.1 200')
            return text.includes('second\n')
          },
        }
      )
      await publishUntil(channel, headers, () => answered)
      const raw = await exchange
      expect(statusCodes(raw.text)).toEqual([200, 200])
      const first = firstResponse(raw.text)
      expect(first.lengths).toEqual([11])
      expect(first.chunked).toBe(false)
      expect(first.body).toBe('hello world')
      // Node adds its own `Keep-Alive: timeout=5`; the publisher's fields must not appear.
      expect(first.head).not.toMatch(
        /^(connection: close|keep-alive: timeout=1|upgrade|te|trailer|proxy-connection|x-secret):/im
      )
      // The next response starts right where the body ends, and is the second request's.
      expect(first.rest).toMatch(/^HTTP\/1\.1 200 /)
      expect(first.rest).toContain('second\n')
    }
  )
})
