/**
 * Stream holds resumed from the channel history (issue #15): a behind prev-id or a client's
 * Last-Event-ID is answered from history with no origin request; an unknown prev-id falls
 * back to next-link recovery as in Pushpin; nothing is written twice.
 */
import { describe, expect, it } from 'vitest'
import { memoryHubHistory } from '../../../src/history/hub-history.ts'
import type { HistoryLookup } from '../../../src/history/store.ts'
import { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import {
  answer,
  collect,
  gripHarness,
  historyConfig,
  instructOf,
  items,
  LIMITS,
  type Script,
  settle,
} from '../../helpers/grip-harness.ts'

const sse = (id: string, extra: Record<string, unknown> = {}) => ({
  channel: 'c',
  id,
  formats: { 'http-stream': { content: `id:${id}\n` } },
  ...extra,
})

const hold = (channel: string, body = '') =>
  answer(
    { 'Grip-Hold': 'stream', 'Grip-Channel': channel, 'Grip-Link': '</recover>; rel=next' },
    body
  )

async function stream(script: Script, path = '/s', init: RequestInit = {}, history = true) {
  const h = gripHarness(script, history ? { history: historyConfig() } : {})
  await h.publish(sse('1'), sse('2', { 'prev-id': '1' }), sse('3', { 'prev-id': '2' }))
  const open = async (p = path, i = init) => {
    const body = collect(await h.request(p, i))
    await settle()
    return body
  }
  return { ...h, open }
}

describe('stream hold resumed from history', () => {
  it('writes the items after a behind prev-id from history, then live items; no origin retry', async () => {
    const h = await stream(() => hold('c; prev-id=1', 'init\n'))
    const body = await h.open()
    expect(body.text).toBe('init\nid:2\nid:3\n')
    await h.publish(sse('4', { 'prev-id': '3' }))
    await settle()
    expect(body.text).toBe('init\nid:2\nid:3\nid:4\n')
    expect(h.received.map((r) => r.path)).toEqual(['/s'])
    expect(h.hub.counters).toMatchObject({ resumes: 1, resumedItems: 2 })
  })

  it('falls back to next-link recovery, with Grip-Last, when the prev-id is not in history', async () => {
    const h = await stream((r) =>
      r.path === '/recover' ? hold('c; prev-id=3', 'rec\n') : hold('c; prev-id=0')
    )
    const body = await h.open()
    expect(body.text).toBe('rec\n')
    expect(h.received.map((r) => r.path)).toEqual(['/s', '/recover'])
    expect(h.received[1]?.headers.get('grip-last')).toBe('c; last-id=0')
  })

  it('recovers through the origin as before when no history is configured', async () => {
    const h = await stream(
      (r) => (r.path === '/recover' ? hold('c; prev-id=3', 'rec\n') : hold('c; prev-id=1')),
      '/s',
      {},
      false
    )
    const body = await h.open()
    expect(body.text).toBe('rec\n')
    expect(h.received).toHaveLength(2)
  })

  it.each([
    ['the Last-Event-ID header', '/s', { headers: { 'Last-Event-ID': '1' } }],
    ['the lastEventId query parameter', '/s?lastEventId=1', {}],
  ])('resumes a hold without prev-id after %s', async (_name, path, init) => {
    const h = await stream(() => hold('c'), path, init)
    const body = await h.open()
    expect(body.text).toBe('id:2\nid:3\n')
    await h.publish(sse('4'))
    await settle()
    expect(body.text).toBe('id:2\nid:3\nid:4\n')
    expect(h.received).toHaveLength(1)
  })

  it('writes nothing extra for a Last-Event-ID that is current or unknown', async () => {
    for (const id of ['3', 'nope']) {
      const h = await stream(() => hold('c'), '/s', { headers: { 'Last-Event-ID': id } })
      const body = await h.open()
      expect(body.text).toBe('')
      await h.publish(sse('4'))
      await settle()
      expect(body.text).toBe('id:4\n')
      expect(h.received).toHaveLength(1)
    }
  })

  it('prefers the declared prev-id over Last-Event-ID', async () => {
    const h = await stream(() => hold('c; prev-id=2'), '/s', { headers: { 'Last-Event-ID': '1' } })
    expect((await h.open()).text).toBe('id:3\n')
  })

  it('does not replay a hint, and ends the stream at a close in history', async () => {
    const h = gripHarness(() => hold('c'), { history: historyConfig() })
    await h.publish(
      sse('1'),
      { channel: 'c', id: '2', formats: { 'http-stream': { action: 'hint' } } },
      sse('3'),
      { channel: 'c', id: '4', formats: { 'http-stream': { action: 'close' } } }
    )
    const body = collect(await h.request('/s', { headers: { 'Last-Event-ID': '1' } }))
    await settle()
    expect(body.text).toBe('id:3\n')
    expect(body.ended).toBe(true)
    expect(h.received).toHaveLength(1)
  })
})

describe('no duplicates while the history is read', () => {
  it('writes an item that arrives live during the lookup once, and later ones after it', async () => {
    const clock = new FakeClock()
    const recorded = memoryHubHistory(historyConfig(), clock)
    if (!recorded) throw new Error('no history')
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    // A remote history (a Durable Object) answers later; items keep arriving meanwhile.
    const history = {
      record: recorded.record,
      itemsAfter: async (channel: string, id: string): Promise<HistoryLookup> => {
        await gate
        return recorded.itemsAfter(channel, id)
      },
    }
    const tier = new EmbeddedFanout({ clock, logger: new CaptureLogger(), limits: LIMITS, history })
    tier.hub.publish(items(sse('1'), sse('2')))
    const instruct = instructOf({ 'Grip-Hold': 'stream', 'Grip-Channel': 'c' })
    const client = new Request('http://gw.test/s', { headers: { 'Last-Event-ID': '1' } })
    const origin = {
      replay: () => Promise.reject(new Error('no')),
      fetchLink: () => Promise.reject(new Error('no')),
    }
    const body = collect(await tier.hold(client, instruct, origin))
    tier.hub.publish(items(sse('3'), sse('4')))
    await settle()
    expect(body.text).toBe('')
    release()
    await settle()
    expect(body.text).toBe('id:2\nid:3\nid:4\n')
    tier.hub.publish(items(sse('5')))
    await settle()
    expect(body.text).toBe('id:2\nid:3\nid:4\nid:5\n')
  })
})

describe('long-polls keep Pushpin’s recovery with history configured', () => {
  it('asks the origin again for a behind prev-id instead of answering from history', async () => {
    const h = gripHarness(
      (_r, n) =>
        answer({
          'Grip-Hold': 'response',
          'Grip-Channel': n === 0 ? 'c; prev-id=1' : 'c; prev-id=3',
        }),
      { history: historyConfig() }
    )
    await h.publish(sse('1'), sse('2', { 'prev-id': '1' }), sse('3', { 'prev-id': '2' }))
    void h.request('/poll')
    await settle()
    expect(h.received).toHaveLength(2)
    expect(h.received[1]?.headers.get('grip-last')).toBe('c; last-id=1')
  })
})
