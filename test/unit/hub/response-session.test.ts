/**
 * Response holds (GRIP.md §4; GRIP-CONFORMANCE section C), driven through proxyWithGrip with
 * a scripted origin and a FakeClock.
 */
import { describe, expect, it } from 'vitest'
import {
  answer,
  gripHarness,
  type HeaderTable,
  type Script,
  seconds,
  settle,
  track,
} from '../../helpers/grip-harness.ts'

/** A response-hold answer on channel `c` unless the headers name others. */
const hold = (headers: HeaderTable = {}, body = 'timeout body\n', status = 200) =>
  answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c', ...headers }, body, status)

const httpResponse = (format: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  channel: 'c',
  formats: { 'http-response': format },
  ...extra,
})

/** Starts a poll and waits until it is held. */
async function startPoll(script: Script, path = '/poll', init: RequestInit = {}) {
  const h = gripHarness(script)
  const poll = track(h.request(path, init))
  await settle()
  return { ...h, poll }
}

async function bodyOf(response: Response | undefined): Promise<string> {
  if (!response) throw new Error('no response')
  return response.text()
}

describe('response hold: timeout', () => {
  it.each([
    { name: 'Grip-Timeout: 8 (23)', headers: { 'Grip-Timeout': '8' }, ms: seconds(8) },
    {
      name: 'Grip-Timeout: 3 is raised to 5 (24)',
      headers: { 'Grip-Timeout': '3' },
      ms: seconds(5),
    },
    {
      name: 'Grip-Timeout: 0 is raised to 5 (24)',
      headers: { 'Grip-Timeout': '0' },
      ms: seconds(5),
    },
    { name: 'no Grip-Timeout waits 55 s (25)', headers: {}, ms: seconds(55) },
  ])('answers with the stored response after $name', async ({ headers, ms }) => {
    const h = await startPoll(() =>
      hold({ ...headers, 'Content-Type': 'text/plain', 'X-Orig': 'yes' })
    )
    expect(h.subscriptions()).toBe(1)
    expect(h.hub.connections.response).toBe(1)
    h.clock.advance(ms - 1)
    await settle()
    expect(h.poll.settled).toBe(false)
    h.clock.advance(1)
    await settle()
    const response = h.poll.value
    expect(response?.status).toBe(200)
    expect(response?.headers.get('content-type')).toBe('text/plain')
    expect(response?.headers.get('x-orig')).toBe('yes')
    expect(
      [...(response?.headers.keys() ?? [])].filter((name) => name.startsWith('grip-'))
    ).toEqual([])
    expect(await bodyOf(response)).toBe('timeout body\n')
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.response).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
  })

  it.each([
    {
      name: '202 + Grip-Status: 304 Not Changed gives a bodiless 304 (26)',
      status: 202,
      headers: { 'Grip-Status': '304 Not Changed' },
      want: { status: 304, statusText: 'Not Changed', body: '' },
    },
    {
      name: '200 + Grip-Status: 204 gives a bodiless 204 (27)',
      status: 200,
      headers: { 'Grip-Status': '204' },
      want: { status: 204, statusText: 'No Content', body: '' },
    },
    {
      name: '404 with body nf stays 404 (28)',
      status: 404,
      headers: {},
      want: { status: 404, statusText: 'Not Found', body: 'nf' },
    },
  ])('$name', async ({ status, headers, want }) => {
    const h = await startPoll(() => hold({ 'Grip-Timeout': '5', ...headers }, 'nf', status))
    h.clock.advance(seconds(5))
    await settle()
    const response = h.poll.value
    expect(response?.status).toBe(want.status)
    expect(response?.statusText).toBe(want.statusText)
    if (want.body === '') expect(response?.body).toBeNull()
    expect(await bodyOf(response)).toBe(want.body)
  })

  it('answers a HEAD poll without a body', async () => {
    const h = await startPoll(() => hold({ 'Grip-Timeout': '5' }), '/poll', { method: 'HEAD' })
    h.clock.advance(seconds(5))
    await settle()
    expect(h.poll.value?.status).toBe(200)
    expect(h.poll.value?.body).toBeNull()
  })
})

describe('response hold: published http-response', () => {
  it('merges published headers into the timeout headers (29)', async () => {
    const h = await startPoll(() =>
      hold({ 'Content-Type': 'text/plain', 'X-Orig': 'yes', 'X-Keep': 'orig' })
    )
    h.publish(
      httpResponse({
        code: 201,
        headers: {
          'X-Pub': '1',
          'X-Keep': 'pub',
          'Grip-Foo': 'x',
          'Content-Type': 'application/json',
        },
        body: '{"n":1}',
      })
    )
    await settle()
    const response = h.poll.value
    expect(response?.status).toBe(201)
    expect(response?.statusText).toBe('Created')
    expect(response?.headers.get('x-orig')).toBe('yes')
    expect(response?.headers.get('content-type')).toBe('application/json')
    expect(response?.headers.get('x-keep')).toBe('pub')
    expect(response?.headers.get('x-pub')).toBe('1')
    expect(response?.headers.get('grip-foo')).toBeNull()
    // No stale Content-Length from the hold: the body's own length, or none at all.
    expect([null, '7']).toContain(response?.headers.get('content-length'))
    expect(await bodyOf(response)).toBe('{"n":1}')
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.response).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
  })

  it('sends code, custom reason and body-bin as given (30)', async () => {
    const h = await startPoll(() => hold())
    h.publish(httpResponse({ code: 409, reason: 'Custom Reason', 'body-bin': 'aGk=' }))
    await settle()
    expect(h.poll.value?.status).toBe(409)
    expect(h.poll.value?.statusText).toBe('Custom Reason')
    expect(await bodyOf(h.poll.value)).toBe('hi')
  })

  it('ignores items without an http-response format (34)', async () => {
    const h = await startPoll(() => hold({ 'Grip-Timeout': '10' }))
    h.publish({ channel: 'c', formats: { 'http-stream': { content: 'chunk' } } })
    h.publish({ channel: 'c', formats: { 'ws-message': { content: 'msg' } } })
    await settle()
    expect(h.poll.settled).toBe(false)
    expect(h.subscriptions()).toBe(1)
    h.clock.advance(seconds(10))
    await settle()
    expect(await bodyOf(h.poll.value)).toBe('timeout body\n')
  })

  it('takes http-response when an item carries several formats (35)', async () => {
    const h = await startPoll(() => hold())
    h.publish({
      channel: 'c',
      formats: {
        'http-stream': { content: 'stream' },
        'http-response': { body: 'response' },
        'ws-message': { content: 'ws' },
      },
    })
    await settle()
    expect(await bodyOf(h.poll.value)).toBe('response')
  })

  it('answers once: a second item in the same batch changes nothing', async () => {
    const h = await startPoll(() => hold())
    h.publish(httpResponse({ body: 'first' }), httpResponse({ body: 'second' }))
    await settle()
    expect(await bodyOf(h.poll.value)).toBe('first')
    expect(h.origin.count).toBe(1)
  })

  it('listens on every channel of the hold (12)', async () => {
    const h = await startPoll(() =>
      answer([
        ['Grip-Hold', 'response'],
        ['Grip-Channel', 'mixA'],
        ['Grip-Channel', 'mixB'],
      ])
    )
    expect(h.subscriptions()).toBe(2)
    h.publish({ channel: 'mixB', formats: { 'http-response': { body: 'from B' } } })
    await settle()
    expect(await bodyOf(h.poll.value)).toBe('from B')
    expect(h.subscriptions()).toBe(0)
  })
})

describe('response hold: asking the origin again (§4.3)', () => {
  it('replays the original request on a hint, and the new answer governs (32)', async () => {
    const h = await startPoll(
      (_request, n) =>
        n === 0
          ? hold({ 'Grip-Timeout': '20' }, 'first')
          : hold({ 'Grip-Timeout': '10' }, 'second'),
      '/poll?since=1',
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'x-client': 'yes' },
        body: 'q=1',
      }
    )
    h.clock.advance(seconds(3))
    h.publish(httpResponse({ action: 'hint' }))
    await settle()
    expect(h.received).toHaveLength(2)
    const replay = h.received[1]!
    expect(replay.method).toBe('POST')
    expect(replay.path).toBe('/poll?since=1')
    expect(replay.body).toBe('q=1')
    expect(replay.headers.get('x-client')).toBe('yes')
    expect(replay.headers.get('grip-last')).toBeNull()
    expect(h.calls.map((call) => call.direct)).toEqual([false, true])
    // The second hold restarts the timeout: 10 s from the hint, not 20 s from the start.
    expect(h.poll.settled).toBe(false)
    expect(h.subscriptions()).toBe(1)
    expect(h.hub.connections.response).toBe(1)
    h.clock.advance(seconds(10) - 1)
    await settle()
    expect(h.poll.settled).toBe(false)
    h.clock.advance(1)
    await settle()
    expect(await bodyOf(h.poll.value)).toBe('second')
    expect(h.hub.connections.response).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
  })

  it('answers with the replay when the origin no longer holds', async () => {
    const h = await startPoll((_request, n) =>
      n === 0 ? hold() : answer({ 'Content-Type': 'text/plain' }, 'fresh\n')
    )
    h.publish(httpResponse({ action: 'hint' }))
    await settle()
    expect(h.poll.value?.headers.get('content-type')).toBe('text/plain')
    expect(await bodyOf(h.poll.value)).toBe('fresh\n')
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.response).toBe(0)
  })

  it('answers 502 when the replay cannot reach the origin', async () => {
    const h = await startPoll(() => hold())
    h.origin.setState('unreachable')
    h.publish(httpResponse({ action: 'hint' }))
    await settle()
    expect(h.poll.value?.status).toBe(502)
    expect(await bodyOf(h.poll.value)).toBe('Error while proxying to origin.\n')
  })

  it('replays with Grip-Last on a prev-id mismatch, then delivers the matching item (33)', async () => {
    const h = await startPoll(() => hold({ 'Grip-Channel': 'lpp; prev-id=7' }))
    h.publish({
      channel: 'lpp',
      id: '9',
      'prev-id': '8',
      formats: { 'http-response': { body: 'nine' } },
    })
    await settle()
    expect(h.received).toHaveLength(2)
    expect(h.received[1]?.headers.get('grip-last')).toBe('lpp; last-id=7')
    expect(h.calls[1]?.lastIds).toEqual({ lpp: '7' })
    expect(h.poll.settled).toBe(false)
    h.publish({
      channel: 'lpp',
      id: '8',
      'prev-id': '7',
      formats: { 'http-response': { body: 'eight' } },
    })
    await settle()
    expect(await bodyOf(h.poll.value)).toBe('eight')
  })

  it('asks again at once when the channel is already past the declared prev-id', async () => {
    const h = gripHarness((_request, n) =>
      n === 0 ? hold({ 'Grip-Channel': 'c; prev-id=4' }) : answer({}, 'caught up')
    )
    h.publish(httpResponse({ body: 'five' }, { id: '5' }))
    expect(h.hub.lastId('c')).toBe('5')
    const poll = track(h.request('/poll'))
    await settle()
    expect(h.received).toHaveLength(2)
    expect(h.received[1]?.headers.get('grip-last')).toBe('c; last-id=4')
    expect(await bodyOf(poll.value)).toBe('caught up')
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.response).toBe(0)
  })

  it('asks again only once when the origin keeps declaring the stale prev-id', async () => {
    const h = gripHarness(() => hold({ 'Grip-Channel': 'c; prev-id=4' }))
    h.publish(httpResponse({ body: 'five' }, { id: '5' }))
    const poll = track(h.request('/poll'))
    await settle(50)
    // The proxy forgets its last id on the conflict, as on a delivery mismatch, so the
    // second answer holds instead of bouncing between proxy and origin without end.
    expect(h.received).toHaveLength(2)
    expect(h.hub.lastId('c')).toBeUndefined()
    expect(poll.settled).toBe(false)
    expect(h.subscriptions()).toBe(1)
    expect(h.hub.connections.response).toBe(1)
    h.publish(httpResponse({ body: 'six' }, { id: '6', 'prev-id': '4' }))
    await settle()
    expect(await bodyOf(poll.value)).toBe('six')
  })

  it('holds normally when the declared prev-id is the channel last id', async () => {
    const h = gripHarness(() => hold({ 'Grip-Channel': 'c; prev-id=5' }))
    h.publish(httpResponse({ body: 'five' }, { id: '5' }))
    const poll = track(h.request('/poll'))
    await settle()
    expect(h.received).toHaveLength(1)
    expect(poll.settled).toBe(false)
    h.publish(httpResponse({ body: 'six' }, { id: '6', 'prev-id': '5' }))
    await settle()
    expect(await bodyOf(poll.value)).toBe('six')
  })
})

describe('response hold: client going away', () => {
  it('holds nothing when the client left while the origin was answering', async () => {
    const controller = new AbortController()
    let release!: () => void
    const answered = new Promise<void>((resolve) => {
      release = resolve
    })
    const h = gripHarness(async () => {
      await answered
      return hold()
    })
    const poll = track(h.request('/poll', { signal: controller.signal }))
    await settle()
    controller.abort()
    release()
    await settle()
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.response).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
    void poll
  })

  it('unsubscribes and frees the connection when the client aborts', async () => {
    const controller = new AbortController()
    const h = await startPoll(() => hold(), '/poll', { signal: controller.signal })
    expect(h.subscriptions()).toBe(1)
    controller.abort()
    await settle()
    expect(h.subscriptions()).toBe(0)
    expect(h.hub.connections.response).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
    h.publish(httpResponse({ action: 'hint' }))
    await settle()
    expect(h.origin.count).toBe(1)
  })
})
