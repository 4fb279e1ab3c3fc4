import { runDurableObjectAlarm } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { ChannelRoom } from '../../edge/cloudflare/fanout/channel-room.ts'
import { LAST_ID_TTL_MS } from '../../src/hub/sequencer.ts'
import {
  channelName,
  eventually,
  fanoutEnv,
  gateway,
  holdersOf,
  inside,
  publish,
  room,
  streamReader,
} from './fanout-fixture.ts'

const stream = (channel: string, content: string, extra: object = {}) => ({
  channel,
  formats: { 'http-stream': { content } },
  ...extra,
})

describe('ChannelRoom', () => {
  it('keeps its holders in storage and answers the channel’s last id on register', async () => {
    const channel = channelName('room')
    const holder = fanoutEnv.HOLDERS.idFromName('room-test-holder').toString()
    expect(await room(channel).register(holder)).toEqual({})
    await publish(stream(channel, 'a', { id: '1' }), stream(channel, 'b', { id: '2' }))
    const stored = await inside(room(channel), async (_room: ChannelRoom, state) => ({
      keys: [...(await state.storage.list()).keys()],
      lastId: await state.storage.get('last-id'),
    }))
    expect(stored.lastId).toMatchObject({ id: '2' })
    expect(stored.keys).toContain('last-id')
    // The holder had nobody for the channel, so the publish made it unregister.
    await eventually(
      () => holdersOf(channel),
      (ids) => ids.length === 0
    )
    expect(await room(channel).register(holder)).toEqual({ lastId: '2' })
    await room(channel).unregister(holder)
    expect(await holdersOf(channel)).toEqual([])
  })

  // Issue #12 item 7: a channel published once does not keep storage forever.
  it('forgets the last id after its lifetime without a publish, leaving nothing stored', async () => {
    const channel = channelName('expiry')
    const holder = fanoutEnv.HOLDERS.idFromName('expiry-test-holder').toString()
    await publish(stream(channel, 'a', { id: '1' }))
    expect(await room(channel).register(holder)).toEqual({ lastId: '1' })
    await room(channel).unregister(holder)
    const alarm = await inside(room(channel), (_room: ChannelRoom, state) =>
      state.storage.getAlarm()
    )
    expect(alarm).toBeGreaterThan(Date.now())
    // Not yet due: the alarm keeps it, and sets itself again.
    expect(await runDurableObjectAlarm(room(channel) as unknown as DurableObjectStub)).toBe(true)
    expect(
      await inside(room(channel), (_r: ChannelRoom, state) => state.storage.get('last-id'))
    ).toMatchObject({ id: '1' })
    await inside(room(channel), (instance: ChannelRoom) => {
      const later = Date.now() + LAST_ID_TTL_MS
      Object.defineProperty(instance, 'now', { value: () => later })
    })
    expect(await runDurableObjectAlarm(room(channel) as unknown as DurableObjectStub)).toBe(true)
    const keys = await inside(room(channel), async (_r: ChannelRoom, state) => [
      ...(await state.storage.list()).keys(),
    ])
    expect(keys).toEqual([])
    expect(await room(channel).register(holder)).toEqual({})
    await room(channel).unregister(holder)
  })

  it('passes a batch on in order, and every channel of a batch to its own room', async () => {
    const [one, two] = [channelName('one'), channelName('two')]
    const first = streamReader(await gateway(`/grip/stream/${one}`))
    const second = streamReader(await gateway(`/grip/stream/${two}`))
    await Promise.all([first.until('open\n'), second.until('open\n')])
    const report = await publish(
      stream(one, '1 '),
      stream(two, 'x '),
      stream(one, '2 '),
      stream(one, '3\n'),
      stream(two, 'y\n')
    )
    expect(report).toMatchObject({ items: 5, released: 5 })
    expect(await first.until('3\n')).toBe('open\n1 2 3\n')
    expect(await second.until('y\n')).toBe('open\nx y\n')
    await Promise.all([first.cancel(), second.cancel()])
  })

  it('holds an item whose prev-id shows a gap, as the holder’s sequencer learned from the room', async () => {
    const channel = channelName('seq')
    await publish(stream(channel, 'before anyone listened', { id: '5' }))
    const body = streamReader(await gateway(`/grip/stream/${channel}`))
    await body.until('open\n')
    // The holder registered now and was told the last id is 5: 7 after 6 must wait for 6.
    const held = await publish(stream(channel, 'seven\n', { id: '7', 'prev-id': '6' }))
    expect(held).toMatchObject({ held: 1 })
    await publish(stream(channel, 'six\n', { id: '6', 'prev-id': '5' }))
    expect(await body.until('seven\n')).toBe('open\nsix\nseven\n')
    await body.cancel()
  })
})
