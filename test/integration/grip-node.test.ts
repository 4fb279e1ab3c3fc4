/**
 * Issue #3 acceptance, as a new user checks it: an origin built with `@fanoutio/serve-grip`
 * (fixtures/grip-origin), `@fanoutio/grip`'s Publisher, and `eventsource` as the SSE client,
 * behind `bin/gripgate serve`. The same cases run against Pushpin 1.36 when it is installed,
 * so every expectation is checked against the reference implementation too; where the two
 * legitimately differ, the case says so.
 */
import { HttpResponseFormat, HttpStreamFormat, PublishException, Publisher } from '@fanoutio/grip'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type GripOrigin,
  KEEP_ALIVE,
  pollTimeoutBody,
  startGripOrigin,
  streamReadyEvent,
} from '../../fixtures/grip-origin/origin.ts'
import { describeMatrix, GRIP_KEY, type GripTarget, PUBLISH_KEY } from '../helpers/grip-matrix.ts'
import { occurrences, SseClient, StreamReader } from '../helpers/stream-clients.ts'

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 50 ms until it holds; fails after `timeoutMs`. */
async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000
) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(50)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

function expectNoGripHeaders(headers: Headers): void {
  const grip = [...headers.keys()].filter((name) => name.toLowerCase().startsWith('grip-'))
  expect(grip).toEqual([])
}

/**
 * Publishes a recognizable `http-stream` item on each channel until the client has seen one
 * from every channel. A subscription becomes live a moment after the client sees the response
 * head (Pushpin hands the hold from its proxy to its handler), and what is published before
 * that is not delivered to it, as GRIP intends.
 */
async function warmUp(
  target: GripTarget,
  channels: readonly string[],
  seen: (channel: string) => boolean,
  content: (channel: string) => string = (channel) => `event: warmup\ndata: ${channel}\n\n`
): Promise<void> {
  for (let round = 0; round < 50; round++) {
    for (const channel of channels)
      await target.publisher.publishHttpStream(channel, content(channel))
    await sleep(100)
    if (channels.every(seen)) return
  }
  throw new Error(`no warm-up message reached the client on ${channels.join(', ')}`)
}

/** Opens an SSE client on a stream hold and waits until its channels deliver. */
async function openSse(target: GripTarget, path: string, channels: readonly string[]) {
  const sse = new SseClient(`${target.url}${path}`, ['ready', 'warmup', 'message'])
  try {
    await sse.waitForCount('ready', 1)
    await warmUp(target, channels, (channel) => sse.data('warmup').includes(channel))
  } catch (error) {
    sse.close()
    throw error
  }
  return sse
}

/**
 * Waits until `count` long-polls on `path` are held. gripgate reports its holds in its stats.
 * Pushpin has no such query: wait for the origin to have answered them (twice on a new channel,
 * see `replaysFirstPolls`), then give its proxy a moment to hand them to its handler.
 */
async function waitForPolls(target: GripTarget, path: string, count: number): Promise<void> {
  const answers = target.replaysFirstPolls ? 2 * count : count
  await eventually(
    () => target.origin.requestsTo(path).filter((r) => r.answer === 'hold').length >= answers,
    `${answers} held requests to ${path}`
  )
  const stats = target.stats
  if (stats) await eventually(async () => (await stats()).connections.response >= count, 'holds')
  else await sleep(500)
}

/** A Grip-Sig as the proxies make them, signed with `key`. */
function signGripSig(key: string, iss: string, expiresIn: string | number = '1h') {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(iss)
  if (expiresIn !== 'never') jwt.setExpirationTime(expiresIn)
  return jwt.sign(new TextEncoder().encode(key))
}

const numbers = (count: number) => Array.from({ length: count }, (_, i) => String(i + 1))

describeMatrix('GRIP through a proxy', (getTarget, name) => {
  describe('stream holds', () => {
    it('deliver 20 published http-stream messages in publish order', async () => {
      const target = getTarget()
      const sse = await openSse(target, '/stream/order', ['order'])
      try {
        for (const n of numbers(20))
          await target.publisher.publishHttpStream('order', `data: ${n}\n\n`)
        await sse.waitForCount('message', 20)
        expect(sse.data()).toEqual(numbers(20))
      } finally {
        sse.close()
      }
    })

    it('deliver from two channels, each in publish order', async () => {
      const target = getTarget()
      const sse = await openSse(target, '/stream2/left/right', ['left', 'right'])
      try {
        for (const n of numbers(20)) {
          const channel = Number(n) % 2 === 1 ? 'left' : 'right'
          await target.publisher.publishHttpStream(channel, `data: ${channel} ${n}\n\n`)
        }
        await sse.waitForCount('message', 20)
        // GRIP orders items per channel only (GRIP.md §9.1).
        const from = (channel: string) => sse.data().filter((data) => data.startsWith(channel))
        expect(from('left')).toEqual(
          numbers(20)
            .filter((n) => Number(n) % 2 === 1)
            .map((n) => `left ${n}`)
        )
        expect(from('right')).toEqual(
          numbers(20)
            .filter((n) => Number(n) % 2 === 0)
            .map((n) => `right ${n}`)
        )
      } finally {
        sse.close()
      }
    })

    it('end cleanly on a published close action', async () => {
      const target = getTarget()
      const reader = await StreamReader.open(`${target.url}/stream/closing`)
      try {
        expect(reader.response.status).toBe(200)
        expect(reader.response.headers.get('content-type')).toBe('text/event-stream')
        expectNoGripHeaders(reader.response.headers)
        const marker = ': warmup closing\n\n'
        await warmUp(
          target,
          ['closing'],
          () => reader.text.includes(marker),
          () => marker
        )
        await target.publisher.publishHttpStream('closing', 'data: bye\n\n')
        await target.publisher.publishHttpStream('closing', new HttpStreamFormat(null, true))
        await reader.waitForEnd()
        expect(reader.text.startsWith(streamReadyEvent(['closing']))).toBe(true)
        expect(reader.text.endsWith('data: bye\n\n')).toBe(true)
      } finally {
        reader.close()
      }
    })

    it('send the Grip-Keep-Alive data while idle', async () => {
      const target = getTarget()
      // keepAlive=1: the origin asks for `: keep-alive\n\n` after 1 s without output.
      const reader = await StreamReader.open(`${target.url}/stream/idle?keepAlive=1`)
      try {
        await reader.waitForText((text) => occurrences(text, KEEP_ALIVE) >= 2, 'two keep-alives')
        const rest = reader.text.slice(streamReadyEvent(['idle']).length)
        expect(reader.text.startsWith(streamReadyEvent(['idle']))).toBe(true)
        expect(rest.replaceAll(KEEP_ALIVE, '')).toBe('')
      } finally {
        reader.close()
      }
    })

    it('order items by prev-id: id 1, then 3 (prev 2), then 2 (prev 1) arrive as 1, 2, 3', async () => {
      const target = getTarget()
      const sse = await openSse(target, '/stream/sequenced', ['sequenced'])
      try {
        const publish = (data: string, id: string, prevId?: string) =>
          target.publisher.publishHttpStream('sequenced', `data: ${data}\n\n`, id, prevId)
        await publish('m1', '1')
        await publish('m3', '3', '2')
        await publish('m2', '2', '1')
        await sse.waitForCount('message', 3)
        expect(sse.data()).toEqual(['m1', 'm2', 'm3'])
      } finally {
        sse.close()
      }
    })

    it('drop an item whose id was already published on the channel', async () => {
      const target = getTarget()
      const sse = await openSse(target, '/stream/dedup', ['dedup'])
      try {
        await target.publisher.publishHttpStream('dedup', 'data: first\n\n', 'a')
        await target.publisher.publishHttpStream('dedup', 'data: again\n\n', 'a')
        await target.publisher.publishHttpStream('dedup', 'data: last\n\n', 'b')
        // A delivered duplicate would come before `last`: two messages tell.
        await sse.waitForCount('message', 2)
        expect(sse.data()).toEqual(['first', 'last'])
      } finally {
        sse.close()
      }
    })
  })

  describe('response holds (long-polling)', () => {
    it("answer with a published http-response: its status, headers and body over the hold's", async () => {
      const target = getTarget()
      const poll = fetch(`${target.url}/poll/answer?timeout=30`)
      let answered = false
      poll.finally(() => (answered = true)).catch(() => {})
      // Publish until the poll is answered: a publish before the hold is live reaches no one.
      // `code` is a string because @fanoutio/grip types HttpResponseFormat.code so.
      const format = new HttpResponseFormat({
        code: '201',
        headers: { 'Content-Type': 'text/plain', 'X-Pub': '1', 'Grip-Foo': 'x' },
        body: 'published\n',
      })
      for (let attempt = 0; attempt < 40 && !answered; attempt++) {
        await target.publisher.publishHttpResponse('answer', format)
        await Promise.race([poll, sleep(250)])
      }
      const response = await poll
      expect(response.status).toBe(201)
      expect(response.headers.get('content-type')).toBe('text/plain')
      expect(response.headers.get('x-pub')).toBe('1')
      expect(response.headers.get('x-poll')).toBe('timeout') // kept from the held response
      expectNoGripHeaders(response.headers)
      expect(await response.text()).toBe('published\n')
    })

    it("answer with the origin's response after Grip-Timeout when nothing is published", async () => {
      const target = getTarget()
      const started = Date.now()
      const response = await fetch(`${target.url}/poll/quiet?timeout=5`)
      expect(await response.text()).toBe(pollTimeoutBody('quiet'))
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_500)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(response.headers.get('x-poll')).toBe('timeout')
      expectNoGripHeaders(response.headers)
      const requests = target.origin.requestsTo('/poll/quiet')
      expect(requests.every((request) => request.signed && request.answer === 'hold')).toBe(true)
      // Pushpin asks the origin again ~1.1 s after a channel's first subscription (and the
      // timeout restarts, so its poll lasts ~6 s); gripgate asks once.
      expect(requests).toHaveLength(target.replaysFirstPolls ? 2 : 1)
    })

    it('answer ten waiting polls with one publish', async () => {
      const target = getTarget()
      const polls = Array.from({ length: 10 }, () =>
        fetch(`${target.url}/poll/crowd?timeout=20`).then(async (response) => ({
          status: response.status,
          body: await response.text(),
        }))
      )
      await waitForPolls(target, '/poll/crowd', 10)
      await target.publisher.publishHttpResponse('crowd', 'for everyone\n')
      const answers = await Promise.all(polls)
      expect(answers).toEqual(
        Array.from({ length: 10 }, () => ({ status: 200, body: 'for everyone\n' }))
      )
      expect(target.origin.requestsTo('/poll/crowd')).toHaveLength(
        target.replaysFirstPolls ? 20 : 10
      )
    }, 30_000)
  })

  describe('the origin request', () => {
    it('never shows the origin GRIP headers to the client', async () => {
      const target = getTarget()
      // Asked directly with a valid signature, the origin does send its instructions...
      const sig = await signGripSig(GRIP_KEY, name)
      const direct = await fetch(`${target.origin.url}/stream/headers`, {
        headers: { 'grip-sig': sig },
      })
      await direct.body?.cancel()
      expect(direct.headers.get('grip-hold')).toBe('stream')
      expect(direct.headers.get('grip-channel')).toBe('headers')
      expect(direct.headers.get('grip-keep-alive')).toContain('format=cstring')
      // ...which the proxy acts on and keeps to itself.
      const reader = await StreamReader.open(`${target.url}/stream/headers`)
      try {
        await reader.waitForText((text) => text.includes('event: ready'), 'the ready event')
        expectNoGripHeaders(reader.response.headers)
      } finally {
        reader.close()
      }
      const plain = await fetch(`${target.url}/plain`)
      await plain.body?.cancel()
      expectNoGripHeaders(plain.headers)
    })

    it("replaces a client's forged Grip-Sig and drops its other Grip-* headers", async () => {
      const target = getTarget()
      const wrongKey = await signGripSig('not-the-key', name)
      for (const forged of ['forged', wrongKey]) {
        // The origin refuses the forged signature when it reaches it...
        const direct = await fetch(`${target.origin.url}/stream/forged`, {
          headers: { 'grip-sig': forged },
        })
        expect(direct.status).toBe(403)
        await direct.body?.cancel()
        // ...but through the proxy it never does: the proxy signs the request itself.
        const response = await fetch(`${target.url}/plain`, {
          headers: { 'grip-sig': forged, 'grip-foo': 'evil' },
        })
        const seen = (await response.json()) as { signed: boolean; grip: Record<string, string> }
        expect(seen.signed).toBe(true)
        expect(seen.grip['grip-sig']).not.toBe(forged)
        expect(seen.grip['grip-foo']).toBeUndefined()
        const stream = await StreamReader.open(`${target.url}/stream/forged`, {
          'grip-sig': forged,
        })
        try {
          expect(stream.response.status).toBe(200)
          await stream.waitForText((text) => text.includes('event: ready'), 'the ready event')
        } finally {
          stream.close()
        }
      }
    })
  })

  describe('the publish endpoint', () => {
    const publishUrl = () => `${getTarget().controlUri}publish/`
    const credentials: Record<string, string> =
      name === 'gripgate' ? { authorization: `Bearer ${PUBLISH_KEY}` } : {}

    it('answers a malformed publish with 400 and a problem description, and keeps serving', async () => {
      const target = getTarget()
      const bad = await fetch(publishUrl(), { method: 'POST', headers: credentials, body: '{bad' })
      expect(bad.status).toBe(400)
      const text = await bad.text()
      if (name === 'gripgate') {
        expect(bad.headers.get('content-type')).toBe('application/problem+json')
        expect(JSON.parse(text)).toMatchObject({
          status: 400,
          code: 'BAD_REQUEST',
          detail: 'Body is not valid JSON.',
        })
      } else {
        // Pushpin answers its problems as plain text (GRIP.md §8.1).
        expect(bad.headers.get('content-type')).toBe('text/plain')
        expect(text).toBe('Body is not valid JSON.\n')
      }
      const noFormats = await fetch(publishUrl(), {
        method: 'POST',
        headers: credentials,
        body: JSON.stringify({ items: [{ channel: 'after-bad' }] }),
      })
      expect(noFormats.status).toBe(400)
      expect(await noFormats.text()).toContain('no formats specified')
      // Still serving: a stream opens and receives what is published.
      const sse = await openSse(target, '/stream/after-bad', ['after-bad'])
      try {
        await target.publisher.publishHttpStream('after-bad', 'data: fine\n\n')
        await sse.waitForCount('message', 1)
        expect(sse.data()).toEqual(['fine'])
      } finally {
        sse.close()
      }
    })

    it.skipIf(name !== 'pushpin')(
      'Pushpin takes a publish without credentials (it has no publish auth)',
      async () => {
        const response = await fetch(publishUrl(), {
          method: 'POST',
          body: JSON.stringify({
            items: [{ channel: 'nobody', formats: { 'http-stream': { content: 'x' } } }],
          }),
        })
        expect(response.status).toBe(200)
        expect(await response.text()).toBe('Published\n')
      }
    )

    // Pushpin's publish endpoint has no auth (GRIP.md §8.1): these cases are gripgate's only.
    it.skipIf(name !== 'gripgate')(
      'refuses a publish without credentials or with a wrong key (401)',
      async () => {
        const target = getTarget()
        for (const publisher of [
          new Publisher({ control_uri: target.controlUri }),
          new Publisher({ control_uri: target.controlUri, key: 'wrong-key' }),
          new Publisher({ control_uri: target.controlUri, control_iss: 'test', key: 'wrong-key' }),
        ]) {
          const failure = await publisher
            .publishHttpStream('locked', 'data: x\n\n')
            .catch((error: unknown) => error)
          expect(failure).toBeInstanceOf(PublishException)
          expect((failure as PublishException).context.statusCode).toBe(401)
        }
        const raw = await fetch(publishUrl(), { method: 'POST', body: '{"items":[]}' })
        expect(raw.status).toBe(401)
        expect(raw.headers.get('www-authenticate')).toMatch(/^Bearer/)
        expect(raw.headers.get('content-type')).toBe('application/problem+json')
        expect(await raw.json()).toMatchObject({ status: 401, code: 'UNAUTHORIZED' })
      }
    )

    it.skipIf(name !== 'gripgate').each([
      { form: '{ control_uri, key }: Bearer <key>', iss: undefined },
      { form: '{ control_uri, control_iss, key }: Bearer <HS256 JWT>', iss: 'test-publisher' },
    ])('accepts the GRIP config form $form', async ({ iss }) => {
      const target = getTarget()
      const channel = iss ? 'auth-jwt' : 'auth-key'
      const publisher = new Publisher({
        control_uri: target.controlUri,
        key: PUBLISH_KEY,
        ...(iss ? { control_iss: iss } : {}),
      })
      const sse = new SseClient(`${target.url}/stream/${channel}`, ['ready', 'warmup', 'message'])
      try {
        await sse.waitForCount('ready', 1)
        await warmUp({ ...target, publisher }, [channel], (c) => sse.data('warmup').includes(c))
        await publisher.publishHttpStream(channel, 'data: authorized\n\n')
        await sse.waitForCount('message', 1)
        expect(sse.data()).toEqual(['authorized'])
      } finally {
        sse.close()
      }
    })

    it.skipIf(name !== 'gripgate')(
      'reports held connections and subscriptions in /_gripgate/stats',
      async () => {
        const target = getTarget()
        const stats = target.stats!
        const refused = await fetch(`${target.url}/_gripgate/stats`)
        expect(refused.status).toBe(401)
        await refused.body?.cancel()
        const sse = new SseClient(`${target.url}/stream2/stats-a/stats-b`, ['ready'])
        const poll = fetch(`${target.url}/poll/stats-c?timeout=20`)
        try {
          await sse.waitForCount('ready', 1)
          await eventually(async () => {
            const now = await stats()
            return now.connections.stream >= 1 && now.connections.response >= 1
          }, 'a stream and a poll in the stats')
          const during = await stats()
          expect(during.connections.stream).toBeGreaterThanOrEqual(1)
          expect(during.connections.response).toBeGreaterThanOrEqual(1)
          // stats-a, stats-b and stats-c at least (streams of earlier cases may still be closing).
          expect(during.subscriptions).toBeGreaterThanOrEqual(3)
          expect(during.channels).toBeGreaterThanOrEqual(3)
        } finally {
          sse.close()
          await target.publisher.publishHttpResponse('stats-c', 'done\n')
          await (await poll).text()
        }
        // Every client of this and the earlier cases has gone: nothing stays held.
        await eventually(async () => {
          const after = await stats()
          return after.subscriptions === 0 && after.connections.stream === 0
        }, 'every subscription to end')
        expect(await stats()).toMatchObject({
          connections: { stream: 0, response: 0, websocket: 0 },
          channels: 0,
          subscriptions: 0,
        })
      }
    )
  })
})

describe('the grip-origin fixture refuses realtime requests that are not properly signed', () => {
  let origin: GripOrigin
  beforeAll(async () => {
    origin = await startGripOrigin({ key: GRIP_KEY, iss: 'proxy' })
  })
  afterAll(async () => {
    await origin?.close()
  })

  it.each([
    { case: 'no Grip-Sig', sig: async () => undefined },
    { case: 'a malformed Grip-Sig', sig: async () => 'forged' },
    { case: 'another key', sig: () => signGripSig('another-key', 'proxy') },
    { case: 'another issuer', sig: () => signGripSig(GRIP_KEY, 'someone-else') },
    { case: 'no exp', sig: () => signGripSig(GRIP_KEY, 'proxy', 'never') },
    {
      case: 'an expired token',
      sig: () => signGripSig(GRIP_KEY, 'proxy', Math.floor(Date.now() / 1000) - 10),
    },
  ])('403 with $case', async ({ sig }) => {
    const token = await sig()
    for (const path of ['/stream/x', '/stream2/x/y', '/poll/x']) {
      const response = await fetch(`${origin.url}${path}`, {
        headers: token ? { 'grip-sig': token } : {},
      })
      expect(response.status).toBe(403)
      expectNoGripHeaders(response.headers)
      await response.body?.cancel()
    }
  })

  it('holds with a valid Grip-Sig, and serves /plain either way', async () => {
    const token = await signGripSig(GRIP_KEY, 'proxy')
    const response = await fetch(`${origin.url}/poll/x?timeout=7`, {
      headers: { 'grip-sig': token },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('grip-hold')).toBe('response')
    expect(response.headers.get('grip-channel')).toBe('x')
    expect(response.headers.get('grip-timeout')).toBe('7')
    expect(await response.text()).toBe(pollTimeoutBody('x'))
    const plain = await fetch(`${origin.url}/plain`)
    expect(await plain.json()).toEqual({ signed: false, grip: {} })
  })
})
