/**
 * Issue #15 on Cloudflare: the channel's room records its history in Durable Object storage
 * and holders resume subscribers from it (the workers config keeps history for `hist-*`).
 */
import { describe, expect, it } from 'vitest'
import type { ChannelRoom } from '../../edge/cloudflare/fanout/channel-room.ts'
import { channelName, gateway, inside, publish, room, streamReader } from './fanout-fixture.ts'

const sse = (channel: string, id: string) => ({
  channel,
  id,
  formats: { 'http-stream': { content: `data: m${id}\n\n` } },
})

describe('channel history on Durable Objects', () => {
  it('resumes a stream after Last-Event-ID from the room, then delivers live items once', async () => {
    const channel = channelName('hist')
    await publish(sse(channel, '1'), sse(channel, '2'), sse(channel, '3'))
    const body = streamReader(
      await gateway(`/grip/stream/${channel}`, { headers: { 'Last-Event-ID': '1' } })
    )
    expect(await body.until('data: m3')).toBe('open\ndata: m2\n\ndata: m3\n\n')
    await publish(sse(channel, '4'))
    expect(await body.until('data: m4')).toBe('open\ndata: m2\n\ndata: m3\n\ndata: m4\n\n')
    await body.cancel()
  })

  it('keeps the history in the room’s storage and arms the alarm that prunes it', async () => {
    const channel = channelName('hist')
    await publish(sse(channel, '1'), sse(channel, '2'))
    expect(await room(channel).historyAfter(channel, '1')).toMatchObject([{ id: '2' }])
    expect(await room(channel).historyAfter(channel, 'x')).toBe('unknown')
    const stored = await inside(room(channel), async (_room: ChannelRoom, state) => ({
      keys: [...(await state.storage.list({ prefix: 'history:' })).keys()].length,
      alarm: await state.storage.getAlarm(),
    }))
    expect(stored.keys).toBe(2)
    expect(stored.alarm).toBeGreaterThan(Date.now())
  })

  it('keeps nothing for channels the policy leaves out', async () => {
    const channel = channelName('plain')
    await publish(sse(channel, '1'), sse(channel, '2'))
    expect(await room(channel).historyAfter(channel, '1')).toBe('unknown')
  })
})
