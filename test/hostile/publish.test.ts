/**
 * The publish and purge endpoints under attack over real sockets (issue #12): bodies past
 * every limit (declared, chunked, nested), batches of thousands of items, channel names
 * made of separators, prototype keys and huge strings, and bearer credentials that only
 * look right (JWT alg none, wrong algorithm, missing or past exp, future nbf, crit).
 */
import { SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLISH_BODY_LIMIT } from '../../src/publish/read-body.ts'
import { HOSTILE_KEY, type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'
import { StreamReader } from '../helpers/stream-clients.ts'

let h: HostileSetup

beforeAll(async () => {
  h = await startHostile()
})

afterAll(() => h?.close())

const publish = (body: string, authorization = `Bearer ${HOSTILE_KEY}`) =>
  fetch(`${h.gateway.url}/publish/`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body,
  })

const problemCode = async (response: Response) => {
  expect(response.headers.get('content-type')).toBe('application/problem+json')
  return ((await response.json()) as { code: string }).code
}

describe('body limits', () => {
  it('a chunked body past the limit, with no length declared: 413 once it passes', async () => {
    const chunk = `10000\r\n${'a'.repeat(0x10000)}\r\n`
    const chunks = Math.ceil(PUBLISH_BODY_LIMIT / 0x10000) + 8
    const result = await rawExchange(
      h.port,
      [
        `POST /publish/ HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${HOSTILE_KEY}\r\nTransfer-Encoding: chunked\r\n\r\n`,
        ...Array(chunks).fill(chunk),
        '0\r\n\r\n',
      ],
      { until: (text) => text.includes('}\n'), maxMs: 10_000 }
    )
    expect(statusCodes(result.text)).toEqual([413])
    expect(result.text).toContain('"code":"PAYLOAD_TOO_LARGE"')
  })

  it('a declared terabyte: 413 at once, nothing read; without the key, 401 first', async () => {
    const head = (auth: string) =>
      `POST /publish/ HTTP/1.1\r\nHost: gw\r\n${auth}Content-Length: 1000000000000\r\n\r\n{`
    const authorized = await rawExchange(h.port, head(`Authorization: Bearer ${HOSTILE_KEY}\r\n`))
    expect(statusCodes(authorized.text)).toEqual([413])
    const anonymous = await rawExchange(h.port, head(''))
    expect(statusCodes(anonymous.text)).toEqual([401])
  })

  it('a purge body past its 64 KiB limit: 413', async () => {
    const body = JSON.stringify({ keys: Array(20_000).fill('key') })
    const response = await fetch(`${h.gateway.url}/_gripgate/purge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HOSTILE_KEY}`, 'content-type': 'application/json' },
      body,
    })
    expect(response.status).toBe(413)
    expect(await problemCode(response)).toBe('PAYLOAD_TOO_LARGE')
  })

  it('JSON nested 100,000 deep within the limit: 400, not a stack overflow', async () => {
    const depth = 100_000
    const response = await publish(`{"items":[${'['.repeat(depth)}${']'.repeat(depth)}]}`)
    expect(response.status).toBe(400)
    expect(await problemCode(response)).toBe('BAD_REQUEST')
  })

  it('13,000 items just under the limit are published in one batch', async () => {
    const item = { channel: 'many', 'no-seq': true, formats: { 'http-stream': { content: '' } } }
    const body = JSON.stringify({ items: Array(13_000).fill(item) })
    expect(body.length).toBeLessThan(PUBLISH_BODY_LIMIT)
    const response = await publish(body)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('Published\n')
  })
})

describe('channel names', () => {
  it.each([
    { name: '__proto__', channel: '__proto__' },
    { name: 'constructor', channel: 'constructor' },
    { name: 'dot segments', channel: '../x' },
    { name: 'a NUL', channel: 'a\u0000b' },
    { name: 'a list separator', channel: 'a,b' },
    { name: 'a parameter', channel: 'a;b=c' },
    { name: 'a space', channel: ' ' },
    { name: '200,000 characters', channel: 'x'.repeat(200_000) },
  ])('a channel named with $name is published without a 5xx', async ({ channel }) => {
    const response = await publish(
      JSON.stringify({ items: [{ channel, formats: { 'http-stream': { content: 'x' } } }] })
    )
    expect(response.status).toBe(200)
  })

  it('a subscriber of "__proto__" and of "é" gets what is published to it, and no other', async () => {
    h.origin.on('/odd', {
      // The header carries UTF-8 bytes (GRIP.md §3.1); "é" is 0xc3 0xa9.
      headers: { 'grip-hold': 'stream', 'grip-channel': '__proto__, \u00c3\u00a9' },
      body: 'open\n',
    })
    const stream = await StreamReader.open(`${h.gateway.url}/odd`)
    try {
      await stream.waitForText((text) => text === 'open\n', 'the stream to open')
      for (const [channel, content] of [
        ['constructor', 'wrong\n'],
        ['__proto__', 'proto\n'],
        ['é', 'accent\n'],
      ]) {
        const response = await publish(
          JSON.stringify({ items: [{ channel, formats: { 'http-stream': { content } } }] })
        )
        expect(response.status).toBe(200)
      }
      await stream.waitForText((text) => text.includes('accent\n'), 'both publishes')
      expect(stream.text).toBe('open\nproto\naccent\n')
    } finally {
      stream.close()
    }
  })
})

describe('publish credentials', () => {
  const key = new TextEncoder().encode(HOSTILE_KEY)
  const now = () => Math.floor(Date.now() / 1000)
  const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

  it.each([
    {
      name: 'alg none, no signature',
      token: async () => new UnsecuredJWT({ exp: now() + 60 }).encode(),
    },
    {
      name: 'alg none with a signature',
      token: async () => `${new UnsecuredJWT({ exp: now() + 60 }).encode()}c2ln`,
    },
    {
      name: 'HS512 signed with the key',
      token: () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS512' })
          .setExpirationTime(now() + 60)
          .sign(key),
    },
    {
      name: 'HS256 without exp',
      token: () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(key),
    },
    {
      name: 'HS256, expired',
      token: () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime(now() - 60)
          .sign(key),
    },
    {
      name: 'HS256, not before a future time',
      token: () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime(now() + 600)
          .setNotBefore(now() + 300)
          .sign(key),
    },
    {
      name: 'a crit header parameter nobody understands',
      token: async () =>
        `${b64url({ alg: 'HS256', crit: ['x'], x: 1 })}.${b64url({ exp: now() + 60 })}.c2ln`,
    },
    {
      name: 'HS256 signed with another key',
      token: () =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setExpirationTime(now() + 60)
          .sign(new TextEncoder().encode('another-key')),
    },
    { name: 'three dots of junk', token: async () => 'eyJhYmMi.eyJ9.c2ln' },
    { name: 'the key with a suffix', token: async () => `${HOSTILE_KEY}x` },
    { name: 'the key cut short', token: async () => HOSTILE_KEY.slice(0, -1) },
  ])('401 for $name', async ({ token }) => {
    const response = await publish('{"items":[]}', `Bearer ${await token()}`)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="gripgate"')
    expect(await problemCode(response)).toBe('UNAUTHORIZED')
  })

  it.each([
    `Bearer ${HOSTILE_KEY} extra`,
    `Basic ${btoa(`${HOSTILE_KEY}:`)}`,
    HOSTILE_KEY,
    'Bearer',
  ])('401 for Authorization: %s', async (authorization) => {
    const response = await publish('{"items":[]}', authorization)
    expect(response.status).toBe(401)
  })

  it('a 12 KB JWT signed with the key is accepted, as any size under the header limit', async () => {
    const token = await new SignJWT({ pad: 'x'.repeat(12_000) })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now() + 60)
      .sign(key)
    expect((await publish('{"items":[]}', `Bearer ${token}`)).status).toBe(200)
  })
})
