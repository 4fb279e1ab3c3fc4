import { describe, expect, it } from 'vitest'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import { Hub } from '../../../src/hub/hub.ts'
import type { Subscriber, Transport } from '../../../src/hub/subscriber.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import {
  answer,
  collect,
  gripHarness,
  hubHarness,
  items,
  LIMITS,
  settle,
  track,
} from '../../helpers/grip-harness.ts'

/** A subscriber that records what it was handed; `fail` makes it throw instead. */
class RecordingSubscriber implements Subscriber {
  readonly got: Array<{ item: PublishItem; channel: string }> = []
  constructor(
    readonly transport: Transport = 'stream',
    readonly fail = false
  ) {}

  deliver(item: PublishItem, channel: string): void {
    if (this.fail) throw new Error('subscriber broke')
    this.got.push({ item, channel })
  }

  get texts(): string[] {
    return this.got.map(({ item }) => {
      const format = item.formats['http-stream']
      return format?.action === 'send' ? new TextDecoder().decode(format.content) : '?'
    })
  }
}

const stream = (channel: string, content: string, extra: Record<string, unknown> = {}) => ({
  channel,
  formats: { 'http-stream': { content } },
  ...extra,
})

describe('Hub connections', () => {
  it('refuses a connection once maxConnections are held, whatever the transport', () => {
    const { hub } = hubHarness({ maxConnections: 2 })
    expect(hub.openConnection('stream')).toBe(true)
    expect(hub.openConnection('response')).toBe(true)
    expect(hub.openConnection('websocket')).toBe(false)
    expect(hub.openConnection('stream')).toBe(false)
    expect(hub.connections).toEqual({ stream: 1, response: 1, websocket: 0 })
    hub.closeConnection('stream')
    expect(hub.openConnection('websocket')).toBe(true)
    expect(hub.connections).toEqual({ stream: 0, response: 1, websocket: 1 })
  })

  it('never counts below zero', () => {
    const { hub } = hubHarness()
    hub.closeConnection('response')
    expect(hub.connections.response).toBe(0)
    expect(hub.openConnection('response')).toBe(true)
    expect(hub.connections.response).toBe(1)
  })
})

describe('Hub subscriptions', () => {
  it.each([
    {
      name: 'one subscriber on two channels',
      steps: [
        ['sub', 'a', 0],
        ['sub', 'b', 0],
      ] as const,
      channels: 2,
      subscriptions: 2,
    },
    {
      name: 'the same subscription twice counts once',
      steps: [
        ['sub', 'a', 0],
        ['sub', 'a', 0],
      ] as const,
      channels: 1,
      subscriptions: 1,
    },
    {
      name: 'two subscribers on one channel',
      steps: [
        ['sub', 'a', 0],
        ['sub', 'a', 1],
      ] as const,
      channels: 1,
      subscriptions: 2,
    },
    {
      name: 'unsubscribing the last subscriber removes the channel',
      steps: [
        ['sub', 'a', 0],
        ['unsub', 'a', 0],
      ] as const,
      channels: 0,
      subscriptions: 0,
    },
    {
      name: 'unsubscribing what was never subscribed changes nothing',
      steps: [
        ['sub', 'a', 0],
        ['unsub', 'a', 1],
        ['unsub', 'b', 0],
        ['unsub', 'a', 0],
        ['unsub', 'a', 0],
      ] as const,
      channels: 0,
      subscriptions: 0,
    },
  ])('$name', ({ steps, channels, subscriptions }) => {
    const { hub } = hubHarness()
    const subscribers = [new RecordingSubscriber(), new RecordingSubscriber()]
    for (const [op, channel, who] of steps) {
      if (op === 'sub') hub.subscribe(channel, subscribers[who]!)
      else hub.unsubscribe(channel, subscribers[who]!)
    }
    expect(hub.snapshot()).toMatchObject({ channels, subscriptions })
  })
})

describe('Hub channel listener', () => {
  function listening() {
    const clock = new FakeClock()
    const events: string[] = []
    const hub = new Hub({
      clock,
      logger: new CaptureLogger(),
      limits: LIMITS,
      channels: {
        opened: (channel) => events.push(`+${channel}`),
        closed: (channel) => events.push(`-${channel}`),
      },
    })
    return { hub, events }
  }

  it('hears a channel open with its first subscriber and close with its last', () => {
    const { hub, events } = listening()
    const [one, two] = [new RecordingSubscriber(), new RecordingSubscriber()]
    hub.subscribe('a', one)
    hub.subscribe('a', two)
    hub.subscribe('a', one)
    hub.unsubscribe('a', one)
    expect(events).toEqual(['+a'])
    expect(hub.hasChannel('a')).toBe(true)
    hub.unsubscribe('a', two)
    expect(events).toEqual(['+a', '-a'])
    expect(hub.hasChannel('a')).toBe(false)
  })

  it('is not told about unsubscribing what was never subscribed', () => {
    const { hub, events } = listening()
    hub.unsubscribe('a', new RecordingSubscriber())
    expect(events).toEqual([])
  })

  it('sees a channel subscribed while it opens (a listener may publish right away)', () => {
    const clock = new FakeClock()
    const subscriber = new RecordingSubscriber()
    const hub: Hub = new Hub({
      clock,
      logger: new CaptureLogger(),
      limits: LIMITS,
      channels: {
        opened: (channel) => hub.publish(items(stream(channel, 'first'))),
        closed: () => {},
      },
    })
    hub.subscribe('a', subscriber)
    expect(subscriber.texts).toEqual(['first'])
  })

  it('works without a listener, as on Node', () => {
    const { hub } = hubHarness()
    hub.subscribe('a', new RecordingSubscriber())
    expect(hub.hasChannel('a')).toBe(true)
  })
})

describe('Hub for a host that joins channels late', () => {
  it('takes a seeded last id only when it knows none, and holds items that do not follow it', () => {
    const { hub } = hubHarness()
    const subscriber = new RecordingSubscriber()
    hub.subscribe('a', subscriber)
    hub.seedLastId('a', '7')
    expect(hub.lastId('a')).toBe('7')
    hub.publish(items(stream('a', 'eight', { id: '8', 'prev-id': '7' })))
    hub.seedLastId('a', '3')
    expect(hub.lastId('a')).toBe('8')
    const report = hub.publish(items(stream('a', 'ten', { id: '10', 'prev-id': '9' })))
    expect(report.held).toBe(1)
    expect(subscriber.texts).toEqual(['eight'])
  })

  it('counts a restored connection even over the limit (it was admitted when it opened)', () => {
    const { hub } = hubHarness({ maxConnections: 1 })
    expect(hub.openConnection('websocket')).toBe(true)
    hub.restoreConnection('websocket')
    expect(hub.connections.websocket).toBe(2)
    hub.closeConnection('websocket')
    hub.closeConnection('websocket')
    expect(hub.openConnection('websocket')).toBe(true)
  })
})

describe('Hub delivery', () => {
  it('hands an item to every subscriber of its channel and to no other', () => {
    const { hub } = hubHarness()
    const [a1, a2, b] = [
      new RecordingSubscriber(),
      new RecordingSubscriber('response'),
      new RecordingSubscriber(),
    ]
    hub.subscribe('a', a1)
    hub.subscribe('a', a2)
    hub.subscribe('b', b)
    const report = hub.publish(items(stream('a', 'one'), stream('b', 'two'), stream('c', 'none')))
    expect(report).toEqual({ items: 3, released: 3, held: 0, duplicates: 0 })
    expect(a1.texts).toEqual(['one'])
    expect(a2.texts).toEqual(['one'])
    expect(b.texts).toEqual(['two'])
    expect(a1.got[0]?.channel).toBe('a')
    expect(hub.counters).toMatchObject({ publishes: 1, items: 3, deliveries: 3, drops: 0 })
  })

  it('decodes a publish once: every subscriber gets the same item and the same bytes', () => {
    const { hub } = hubHarness()
    const subscribers = [
      new RecordingSubscriber(),
      new RecordingSubscriber(),
      new RecordingSubscriber(),
    ]
    for (const subscriber of subscribers) hub.subscribe('room', subscriber)
    const [item] = items({
      channel: 'room',
      formats: { 'http-stream': { 'content-bin': 'AAEC/w==' } },
    })
    hub.publish([item!])
    const format = item!.formats['http-stream']
    if (format?.action !== 'send') throw new Error('expected a send')
    for (const { got } of subscribers) {
      expect(got).toHaveLength(1)
      expect(got[0]?.item).toBe(item)
      const delivered = got[0]?.item.formats['http-stream']
      if (delivered?.action !== 'send') throw new Error('expected a send')
      // The very same Uint8Array instance, not an equal copy.
      expect(delivered.content).toBe(format.content)
    }
    expect([...format.content]).toEqual([0, 1, 2, 255])
  })

  it('keeps delivering when one subscriber throws, and logs the failure', () => {
    const { hub, logger } = hubHarness()
    const before = new RecordingSubscriber()
    const broken = new RecordingSubscriber('stream', true)
    const after = new RecordingSubscriber()
    hub.subscribe('c', before)
    hub.subscribe('c', broken)
    hub.subscribe('c', after)
    hub.publish(items(stream('c', 'x')))
    expect(before.texts).toEqual(['x'])
    expect(after.texts).toEqual(['x'])
    expect(logger.messages('error')).toEqual(['delivery failed'])
    expect(logger.records[0]?.fields).toMatchObject({ channel: 'c' })
  })

  it('delivers to the rest when a subscriber leaves during delivery', () => {
    const { hub } = hubHarness()
    const rest = new RecordingSubscriber()
    const leaving: Subscriber = {
      transport: 'response',
      deliver: (_item, channel) => hub.unsubscribe(channel, leaving),
    }
    hub.subscribe('c', leaving)
    hub.subscribe('c', rest)
    hub.publish(items(stream('c', 'x')))
    expect(rest.texts).toEqual(['x'])
    expect(hub.snapshot()).toMatchObject({ subscriptions: 1 })
  })

  it('orders by id through the sequencer and reports held and duplicate items', () => {
    const { hub } = hubHarness()
    const subscriber = new RecordingSubscriber()
    hub.subscribe('c', subscriber)
    expect(hub.publish(items(stream('c', 'm1', { id: '1' })))).toMatchObject({ released: 1 })
    expect(hub.publish(items(stream('c', 'm3', { id: '3', 'prev-id': '2' })))).toMatchObject({
      held: 1,
    })
    expect(hub.snapshot()).toMatchObject({ heldItems: 1 })
    expect(hub.publish(items(stream('c', 'm2', { id: '2', 'prev-id': '1' })))).toMatchObject({
      released: 1,
    })
    expect(hub.publish(items(stream('c', 'again', { id: '2' })))).toMatchObject({ duplicates: 1 })
    expect(subscriber.texts).toEqual(['m1', 'm2', 'm3'])
    expect(hub.lastId('c')).toBe('3')
    hub.forgetLastId('c')
    expect(hub.lastId('c')).toBeUndefined()
  })

  it('counts drops', () => {
    const { hub } = hubHarness()
    hub.countDrop()
    hub.countDrop()
    expect(hub.snapshot()).toMatchObject({ drops: 2 })
  })
})

describe('Hub shutdown', () => {
  it('answers long-polls with their timeout response and ends streams cleanly', async () => {
    const h = gripHarness((request) =>
      request.path === '/poll'
        ? answer({ 'Grip-Hold': 'response', 'Grip-Channel': 'c' }, 'timeout body')
        : answer({ 'Grip-Hold': 'stream', 'Grip-Channel': 'c', 'Grip-Keep-Alive': 'ka' }, 'init')
    )
    const poll = track(h.request('/poll'))
    const stream = collect(await h.request('/stream'))
    await settle()
    expect(h.hub.connections).toMatchObject({ stream: 1, response: 1 })
    h.hub.shutdown()
    await settle()
    expect(await poll.value?.text()).toBe('timeout body')
    expect(stream.text).toBe('init')
    expect(stream.ended).toBe(true)
    expect(h.hub.connections).toMatchObject({ stream: 0, response: 0 })
    expect(h.subscriptions()).toBe(0)
    expect(h.clock.pendingTimers).toBe(0)
    // Sessions that already ended are no longer tracked: a second shutdown does nothing.
    h.hub.shutdown()
  })
})
