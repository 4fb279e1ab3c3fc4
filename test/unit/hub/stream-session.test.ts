/**
 * Stream holds and next links (GRIP.md §5, §6, §9.3; GRIP-CONFORMANCE sections D and E),
 * driven through proxyWithGrip with a scripted origin and a FakeClock.
 */
import { describe, expect, it } from 'vitest'
import {
  answer,
  collect,
  GRIP,
  gripHarness,
  type Script,
  seconds,
  settle,
  until,
} from '../../helpers/grip-harness.ts'

/** A stream-hold answer on channel `c` unless the headers name others. */
const streamHold = (headers: Record<string, string | undefined> = {}, body = '') =>
  answer({ 'Grip-Hold': 'stream', 'Grip-Channel': 'c', ...headers }, body)

const content = (channel: string, data: string, extra: Record<string, unknown> = {}) => ({
  channel,
  formats: { 'http-stream': { content: data } },
  ...extra,
})

/** Starts a stream and reads its body as it comes. */
async function startStream(
  script: Script,
  options: { path?: string; init?: RequestInit; limits?: { subscriberQueueBytes?: number } } = {}
) {
  const h = gripHarness(script, { limits: options.limits })
  const response = await h.request(options.path ?? '/stream', options.init)
  const body = collect(response)
  await settle()
  return { ...h, response, body }
}

/** A promise the test resolves when it wants to. */
function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => {
    resolve = done
  })
  return { promise, resolve }
}

describe('stream hold: initial response and published content', () => {
  it('sends status and headers at once, then the body, and stays open (38)', async () => {
    const h = await startStream(() =>
      streamHold({ 'Content-Type': 'text/event-stream', 'Content-Length': '4' }, 'abcd')
    )
    expect(h.response.status).toBe(200)
    expect(h.response.headers.get('content-type')).toBe('text/event-stream')
    expect(h.response.headers.get('content-length')).toBeNull()
    expect(h.response.headers.get('grip-hold')).toBeNull()
    expect(h.body.text).toBe('abcd')
    expect(h.body.ended).toBe(false)
    expect(h.subscriptions()).toBe(1)
    expect(h.hub.connections.stream).toBe(1)
  })

  it('writes no bytes for an empty initial body (39)', async () => {
    const h = await startStream(() => streamHold())
    expect(h.body.chunks).toHaveLength(0)
    expect(h.body.ended).toBe(false)
  })

  it('uses Grip-Status for the status line (42)', async () => {
    const h = await startStream(() => streamHold({ 'Grip-Status': '203 Fancy' }))
    expect(h.response.status).toBe(203)
    expect(h.response.statusText).toBe('Fancy')
  })

  it.each(['100 Continue', '600 Beyond'])(
    'answers a Grip-Status no response can carry (%s) with a whole 502, holding nothing',
    async (status) => {
      const h = await startStream(() => streamHold({ 'Grip-Status': status }, 'initial'))
      expect(h.response.status).toBe(502)
      expect(h.body.text).toBe('Error while proxying to origin.\n')
      expect(h.body.ended).toBe(true)
      expect(h.hub.connections.stream).toBe(0)
      expect(h.subscriptions()).toBe(0)
    }
  )

  it('appends published content as exact bytes, content and content-bin (40)', async () => {
    const h = await startStream(() => streamHold({}, 'init\n'))
    h.publish(content('c', 'data: one\n\n'))
    h.publish({ channel: 'c', formats: { 'http-stream': { 'content-bin': 'AAEC/w==' } } })
    await settle()
    expect(h.body.chunks.map((chunk) => [...chunk])).toEqual([
      [...new TextEncoder().encode('init\n')],
      [...new TextEncoder().encode('data: one\n\n')],
      [0, 1, 2, 255],
    ])
    expect(h.body.ended).toBe(false)
  })

  it('ignores http-response and ws-message items', async () => {
    const h = await startStream(() => streamHold())
    h.publish({ channel: 'c', formats: { 'http-response': { body: 'poll' } } })
    h.publish({ channel: 'c', formats: { 'ws-message': { content: 'ws' } } })
    await settle()
    expect(h.body.chunks).toHaveLength(0)
    expect(h.subscriptions()).toBe(1)
  })

  it('ends the stream cleanly on a close action (41)', async () => {
    const h = await startStream(() => streamHold({ 'Grip-Keep-Alive': 'ka; timeout=3' }, 'start\n'))
    h.publish(content('c', 'last\n'))
    h.publish({ channel: 'c', formats: { 'http-stream': { action: 'close' } } })
    await settle()
    expect(h.body.text).toBe('start\nlast\n')
    expect(h.body.ended).toBe(true)
    expect(h.body.error).toBeUndefined()
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.stream).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
  })

  it('unsubscribes and stops its timers when the client cancels', async () => {
    const h = await startStream(() =>
      streamHold({
        'Grip-Keep-Alive': 'ka; timeout=3',
        'Grip-Link': '</next>; rel=next; timeout=5',
      })
    )
    expect(h.clock.pendingTimers).toBe(2)
    await h.body.cancel()
    await settle()
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.stream).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
    h.publish(content('c', 'late'))
    h.clock.advance(seconds(60))
    await settle()
    expect(h.origin.count).toBe(1)
  })

  it.each([
    { name: 'a HEAD request', method: 'HEAD', headers: {}, status: 200 },
    { name: 'Grip-Status: 204', method: 'GET', headers: { 'Grip-Status': '204' }, status: 204 },
    { name: 'Grip-Status: 304', method: 'GET', headers: { 'Grip-Status': '304' }, status: 304 },
  ])('answers $name without a body and holds nothing', async ({ method, headers, status }) => {
    const h = gripHarness(() =>
      streamHold({ 'Content-Type': 'text/plain', 'Grip-Keep-Alive': 'ka', ...headers }, 'init')
    )
    const response = await h.request('/stream', { method })
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(response.body).toBeNull()
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.stream).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
  })
})

describe('stream hold: keep-alives (§5.3)', () => {
  it('sends the keep-alive after each quiet period in idle mode (43)', async () => {
    const h = await startStream(() =>
      streamHold({ 'Grip-Keep-Alive': ':ka\\n\\n; format=cstring; timeout=3' })
    )
    h.clock.advance(seconds(3) - 1)
    await settle()
    expect(h.body.text).toBe('')
    h.clock.advance(1)
    await settle()
    expect(h.body.text).toBe(':ka\n\n')
    h.clock.advance(seconds(3))
    await settle()
    expect(h.body.text).toBe(':ka\n\n:ka\n\n')
  })

  it('sends none in idle mode while messages come faster than the timeout (45)', async () => {
    const h = await startStream(() => streamHold({ 'Grip-Keep-Alive': 'KA; timeout=3' }))
    for (let i = 1; i <= 4; i++) {
      h.clock.advance(seconds(2))
      h.publish(content('c', `m${i} `))
    }
    await settle()
    expect(h.body.text).toBe('m1 m2 m3 m4 ')
    // The last message went out at 8 s: the next keep-alive is due at 11 s.
    h.clock.advance(seconds(3) - 1)
    await settle()
    expect(h.body.text).toBe('m1 m2 m3 m4 ')
    h.clock.advance(1)
    await settle()
    expect(h.body.text).toBe('m1 m2 m3 m4 KA')
  })

  it('keeps its period in interval mode whatever the messages (44)', async () => {
    const h = await startStream(() =>
      streamHold({ 'Grip-Keep-Alive': 'KA; timeout=2; mode=interval' })
    )
    for (let t = 100; t <= 4200; t += 100) {
      h.clock.advance(100)
      if (t % 700 === 0) h.publish(content('c', 'm'))
    }
    await settle()
    // Messages at 0.7, 1.4, 2.1, 2.8, 3.5, 4.2 s; keep-alives at 2 and 4 s.
    expect(h.body.text).toBe('mmKAmmmKAm')
  })

  it('decodes base64 keep-alive data and raises timeout=0 to 1 s (47)', async () => {
    const h = await startStream(() =>
      streamHold({ 'Grip-Keep-Alive': 'AAEC; format=base64; timeout=0' })
    )
    h.clock.advance(seconds(2))
    await settle()
    expect([...h.body.bytes()]).toEqual([0, 1, 2, 0, 1, 2])
  })
})

describe('stream hold: slow readers', () => {
  it('drops a reader once more than subscriberQueueBytes are queued', async () => {
    const h = gripHarness(() => streamHold({}, 'init'), { limits: { subscriberQueueBytes: 16 } })
    const response = await h.request('/stream')
    // Nobody reads: 4 + 10 bytes queued fit, 4 + 10 + 10 do not.
    h.publish(content('c', '0123456789'))
    expect(h.hub.counters.drops).toBe(0)
    expect(h.subscriptions()).toBe(1)
    h.publish(content('c', 'abcdefghij'))
    expect(h.hub.counters.drops).toBe(1)
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.stream).toBe(0)
    h.publish(content('c', 'never'))
    // Dropped, not ended: the queue goes with the connection (issue #12).
    await expect(response.text()).rejects.toThrow('held stream dropped')
    expect(h.logger.messages('warn')).toEqual(['slow subscriber dropped'])
  })

  it('stops its keep-alive timer when a keep-alive write drops the reader', async () => {
    const h = gripHarness(
      () => streamHold({ 'Grip-Keep-Alive': 'keep-alive; timeout=5' }, 'init'),
      {
        limits: { subscriberQueueBytes: 16 },
      }
    )
    const response = await h.request('/stream')
    // Nobody reads: 4 bytes queued, then the keep-alive's 10 fit, then 4 + 10 + 10 do not.
    h.clock.advance(seconds(5))
    expect(h.hub.counters.drops).toBe(0)
    expect(h.clock.pendingTimers).toBe(1)
    h.clock.advance(seconds(5))
    expect(h.hub.counters.drops).toBe(1)
    expect(h.hub.connections.stream).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
    await expect(response.text()).rejects.toThrow('held stream dropped')
  })

  it('keeps a reader that keeps up, however much flows through', async () => {
    const h = await startStream(() => streamHold(), { limits: { subscriberQueueBytes: 16 } })
    for (let i = 0; i < 20; i++) {
      h.publish(content('c', '0123456789'))
      await settle(1)
    }
    await settle()
    expect(h.body.bytes().byteLength).toBe(200)
    expect(h.hub.counters.drops).toBe(0)
    expect(h.body.ended).toBe(false)
  })
})

describe('stream hold: prev-id and recovery links (§6.3, §9.3)', () => {
  const reliable = {
    'Grip-Channel': 'rel2; prev-id=1',
    'Grip-Link': '</rec?x=1>; rel=next; timeout=5',
  }

  it('fetches the next link on a gap, appends its body and takes its channels (54)', async () => {
    const h = await startStream(
      (_request, n) =>
        n === 0
          ? streamHold(reliable, 'init\n')
          : streamHold(
              { 'Grip-Channel': 'other; prev-id=10', 'Grip-Link': '</rec?x=2>; rel=next' },
              'recovered\n'
            ),
      { init: { headers: { 'user-agent': 'test-agent', 'x-client': 'yes' } } }
    )
    h.publish(content('rel2', 'msg2\n', { id: '2', 'prev-id': '1' }))
    await settle()
    expect(h.body.text).toBe('init\nmsg2\n')
    expect(h.origin.count).toBe(1)
    h.publish(content('rel2', 'msg4\n', { id: '4', 'prev-id': '3', 'no-seq': true }))
    await settle()
    expect(h.received).toHaveLength(2)
    const link = h.received[1]!
    // A next-link request is a bare GET: no client headers, no body (52).
    expect(link.method).toBe('GET')
    expect(link.path).toBe('/rec?x=1')
    expect(link.body).toBe('')
    expect(link.headers.get('user-agent')).toBeNull()
    expect(link.headers.get('x-client')).toBeNull()
    expect(link.headers.get('grip-last')).toBe('rel2; last-id=2')
    expect(link.headers.get('grip-feature')).not.toBeNull()
    expect(h.calls[1]).toMatchObject({ method: 'GET', direct: true, lastIds: { rel2: '2' } })
    expect(h.body.text).toBe('init\nmsg2\nrecovered\n')
    // The link's instruction replaced the channels.
    expect(h.subscriptions()).toBe(1)
    h.publish(content('rel2', 'old\n'))
    h.publish(content('other', 'msg11\n', { id: '11', 'prev-id': '10' }))
    await settle()
    expect(h.body.text).toBe('init\nmsg2\nrecovered\nmsg11\n')
    expect(h.body.ended).toBe(false)
    expect(h.hub.connections.stream).toBe(1)
  })

  it('signs next-link requests like any other origin request (7, 52)', async () => {
    const h = gripHarness(
      (_request, n) => (n === 0 ? streamHold(reliable) : streamHold(reliable, 'again\n')),
      { grip: GRIP }
    )
    const body = collect(await h.request('/stream'))
    h.publish(content('rel2', 'x', { id: '5', 'prev-id': '4', 'no-seq': true }))
    await until(() => h.received.length === 2)
    expect(h.received[0]?.headers.get('grip-sig')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(h.received[1]?.headers.get('grip-sig')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(h.received[1]?.headers.get('grip-feature')).toBe(
      h.received[0]?.headers.get('grip-feature')
    )
    await until(() => body.text === 'again\n')
  })

  it('queues items while the link is fetched, then delivers those still subscribed', async () => {
    const link = deferred<Response>()
    const h = await startStream((_request, n) =>
      n === 0
        ? streamHold({ 'Grip-Channel': 'a, b', 'Grip-Link': '</next>; rel=next' })
        : link.promise
    )
    h.publish({ channel: 'a', formats: { 'http-stream': { action: 'hint' } } })
    await settle()
    expect(h.received).toHaveLength(2)
    h.publish(content('a', 'A1 '))
    h.publish(content('b', 'B1 '))
    h.publish(content('a', 'A2 '))
    await settle()
    expect(h.body.text).toBe('')
    link.resolve(streamHold({ 'Grip-Channel': 'a', 'Grip-Link': '</next>; rel=next' }, 'L '))
    await settle()
    // The link body first, then the queued items in order; `b` was dropped by the link.
    expect(h.body.text).toBe('L A1 A2 ')
  })

  it('fetches the next link after the link timeout without items (55)', async () => {
    const h = await startStream((_request, n) =>
      n === 0 ? streamHold(reliable, 'init\n') : streamHold(reliable, `rec${n}\n`)
    )
    h.clock.advance(seconds(5) - 1)
    await settle()
    expect(h.origin.count).toBe(1)
    h.clock.advance(1)
    await settle()
    expect(h.received).toHaveLength(2)
    expect(h.received[1]?.headers.get('grip-last')).toBe('rel2; last-id=1')
    expect(h.body.text).toBe('init\nrec1\n')
    // An item 3 s later pushes the next idle fetch to 5 s after it, with the latest id.
    h.clock.advance(seconds(3))
    h.publish(content('rel2', 'msg2\n', { id: '2', 'prev-id': '1' }))
    h.clock.advance(seconds(5) - 1)
    await settle()
    expect(h.origin.count).toBe(2)
    h.clock.advance(1)
    await settle()
    expect(h.received).toHaveLength(3)
    expect(h.received[2]?.headers.get('grip-last')).toBe('rel2; last-id=2')
    expect(h.body.text).toBe('init\nrec1\nmsg2\nrec2\n')
    expect(h.body.ended).toBe(false)
  })

  it('fetches the next link on a hint', async () => {
    const h = await startStream((_request, n) =>
      n === 0 ? streamHold({ 'Grip-Link': '</next>; rel=next' }) : streamHold({}, 'hinted\n')
    )
    h.publish({ channel: 'c', formats: { 'http-stream': { action: 'hint' } } })
    await settle()
    expect(h.received.map((r) => r.path)).toEqual(['/stream', '/next'])
    expect(h.body.text).toBe('hinted\n')
    expect(h.body.ended).toBe(false)
  })

  it('recovers at once when the hold is already behind the channel', async () => {
    const h = gripHarness((_request, n) =>
      n === 0 ? streamHold(reliable, 'cached\n') : streamHold(reliable, 'missed\n')
    )
    h.publish(content('rel2', 'msg5\n', { id: '5' }))
    const body = collect(await h.request('/stream'))
    await settle()
    expect(h.received).toHaveLength(2)
    expect(h.received[1]?.headers.get('grip-last')).toBe('rel2; last-id=1')
    expect(body.text).toBe('cached\nmissed\n')
    // The link declared the same stale prev-id: it is held, not fetched again and again.
    await settle(20)
    expect(h.received).toHaveLength(2)
    expect(body.ended).toBe(false)
  })

  it('closes a stream hold that declares a prev-id without a next link (50)', async () => {
    const h = await startStream(() => streamHold({ 'Grip-Channel': 'c; prev-id=1' }, 'init\n'))
    expect(h.body.text).toBe('init\n')
    expect(h.body.ended).toBe(true)
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.stream).toBe(0)
    expect(h.logger.messages('warn')).toEqual([
      'stream hold with prev-id but no next link; closing',
    ])
  })
})

describe('next links: paging and failures (§6.1, §6.2)', () => {
  it('concatenates the bodies of a paged response and ends (51)', async () => {
    const h = await startStream(
      (request) =>
        request.path === '/first'
          ? answer({ 'Content-Type': 'text/plain', 'Grip-Link': '</second>; rel=next' }, 'first\n')
          : answer({ 'X-Second': '1' }, 'second\n'),
      { path: '/first' }
    )
    await h.body.done
    expect(h.response.status).toBe(200)
    expect(h.response.headers.get('content-type')).toBe('text/plain')
    expect(h.response.headers.get('x-second')).toBeNull()
    expect(h.body.text).toBe('first\nsecond\n')
    expect(h.received.map((r) => r.path)).toEqual(['/first', '/second'])
    expect(h.hub.connections.stream).toBe(0)
    expect(h.subscriptions()).toBe(0)
  })

  it('follows a chain of links and keeps the first status line (53)', async () => {
    const pages: Record<string, Response> = {
      '/p1': answer({ 'Grip-Status': '201', 'Grip-Link': '</p2>; rel=next' }, 'one\n'),
      '/p2': answer({ 'Grip-Link': '</p3>; rel=next', 'X-P2': '1' }, 'two\n'),
      '/p3': answer({ 'Grip-Channel': 'ignored' }, 'three\n', 202),
    }
    const h = await startStream((request) => pages[request.path] ?? answer({}, 'missing', 404), {
      path: '/p1',
    })
    await h.body.done
    expect(h.response.status).toBe(201)
    expect(h.body.text).toBe('one\ntwo\nthree\n')
    expect(h.hub.connections.stream).toBe(0)
  })

  it('turns into a held stream when a page answers with a stream hold', async () => {
    const h = await startStream(
      (request) =>
        request.path === '/first'
          ? answer({ 'Grip-Link': '</live>; rel=next' }, 'history\n')
          : streamHold({ 'Grip-Channel': 'live' }, 'now live\n'),
      { path: '/first' }
    )
    h.publish(content('live', 'update\n'))
    await settle()
    expect(h.body.text).toBe('history\nnow live\nupdate\n')
    expect(h.body.ended).toBe(false)
  })

  it.each([
    {
      name: 'a response hold (57)',
      link: () => answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c' }, 'nope'),
      reason: 'a next link may not answer with a response hold',
    },
    { name: 'a 500', link: () => answer({}, 'broken', 500), reason: 'next link answered 500' },
    {
      name: 'an invalid instruction',
      link: () => answer({ 'Grip-Hold': 'bogus' }, ''),
      reason: 'Grip-Hold',
    },
  ])('ends the stream when the next link answers with $name', async ({ link, reason }) => {
    const h = await startStream((_request, n) =>
      n === 0 ? streamHold({ 'Grip-Link': '</next>; rel=next; timeout=5' }, 'init\n') : link()
    )
    h.clock.advance(seconds(5))
    await settle()
    expect(h.body.text).toBe('init\n')
    expect(h.body.ended).toBe(true)
    expect(h.hub.connections.stream).toBe(0)
    expect(h.subscriptions()).toBe(0)
    expect(h.logger.messages('warn')).toEqual(['next link failed; ending stream'])
    expect(String(h.logger.records.at(-1)?.fields?.reason)).toContain(reason)
  })
})
