import { describe, expect, it } from 'vitest'
import type { ConnectionHolder } from '../../edge/cloudflare/fanout/connection-holder.ts'
import {
  channelName,
  eventually,
  gateway,
  holderOf,
  holdersOf,
  inside,
  originLog,
  publish,
  streamReader,
} from './fanout-fixture.ts'

describe('stream holds in a ConnectionHolder', () => {
  it('delivers a publish to a held stream, after the origin’s initial body', async () => {
    const channel = channelName('stream')
    const response = await gateway(`/grip/stream/${channel}`)
    expect(response.status).toBe(200)
    const body = streamReader(response)
    expect(await body.until('open\n')).toBe('open\n')
    // Registered before the first byte: no waiting needed before publishing.
    expect(await holdersOf(channel)).toHaveLength(1)
    const report = await publish({ channel, formats: { 'http-stream': { content: 'hello\n' } } })
    expect(report).toMatchObject({ message: 'Published', items: 1, released: 1 })
    expect(await body.until('hello\n')).toBe('open\nhello\n')
    await body.cancel()
  })

  it('ends the session at the first write after the client left, and unregisters', async () => {
    const channel = channelName('leave')
    const body = streamReader(await gateway(`/grip/stream/${channel}`))
    await body.until('open\n')
    const holder = await holderOf(channel)
    const describe = () => inside(holder, (instance: ConnectionHolder) => instance.describe())
    const before = await describe()
    await body.cancel()
    // workerd reports a vanished reader to the writer only when it writes.
    await publish({ channel, formats: { 'http-stream': { content: 'into the void\n' } } })
    await eventually(
      () => holdersOf(channel),
      (ids) => ids.length === 0
    )
    const after = await describe()
    expect(after.channels).not.toContain(channel)
    expect(after.connections.stream).toBe(before.connections.stream! - 1)
  })

  it('answers a publish with no subscriber anywhere', async () => {
    const channel = channelName('nobody')
    const report = await publish({ channel, formats: { 'http-stream': { content: 'x' } } })
    expect(report).toMatchObject({ items: 1, released: 1, held: 0 })
  })
})

describe('long-polls in a ConnectionHolder', () => {
  it('answers a held long-poll with the published http-response', async () => {
    const channel = channelName('poll')
    const pending = gateway(`/grip/poll/${channel}`)
    await holderOf(channel)
    await publish({
      channel,
      formats: {
        'http-response': { code: 200, headers: { 'x-from': 'publish' }, body: 'published\n' },
      },
    })
    const response = await pending
    expect(response.status).toBe(200)
    expect(response.headers.get('x-from')).toBe('publish')
    expect(await response.text()).toBe('published\n')
    await eventually(
      () => holdersOf(channel),
      (ids) => ids.length === 0
    )
  })

  it('answers with the origin’s response at Grip-Timeout (5 s, on the holder’s alarm)', {
    timeout: 15_000,
  }, async () => {
    const channel = channelName('timeout')
    const started = Date.now()
    const response = await gateway(`/grip/poll/${channel}`)
    expect(await response.text()).toBe('timeout\n')
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900)
  })

  it('retries through the Worker, body included, when a hint arrives for a POST poll', async () => {
    const channel = channelName('hint')
    const pending = gateway(`/grip/poll/${channel}`, { method: 'POST', body: 'the-body' })
    await holderOf(channel)
    await publish({ channel, formats: { 'http-response': { action: 'hint' } } })
    const response = await pending
    expect(await response.text()).toBe('retried POST the-body\n')
    const log = await originLog('poll', channel)
    expect(log.map((entry) => entry.method)).toEqual(['POST', 'POST'])
    expect(log[1]?.gripLast).toBe(null)
  })

  it('retries from the holder itself when a GET poll gets a hint', async () => {
    const channel = channelName('get-hint')
    const pending = gateway(`/grip/poll/${channel}`)
    await holderOf(channel)
    await publish({ channel, id: '2', formats: { 'http-response': { action: 'hint' } } })
    expect(await (await pending).text()).toBe('retried GET \n')
  })
})

describe('the stats endpoint over every holder', () => {
  it('counts a held stream once, whichever shard holds it', async () => {
    const channel = channelName('stats')
    const body = streamReader(await gateway(`/grip/stream/${channel}`))
    await body.until('open\n')
    const stats = (await (
      await gateway('/_gripgate/stats', {
        headers: { authorization: 'Bearer workers-test-publish-key' },
      })
    ).json()) as { connections: { stream: number }; holders: number }
    expect(stats.holders).toBe(4)
    expect(stats.connections.stream).toBeGreaterThanOrEqual(1)
    await body.cancel()
  })
})

describe('a holder that is reset (evicted, restarted, broken)', () => {
  it('ends its streams, so clients reconnect instead of waiting on a dead connection', async () => {
    const channel = channelName('reset')
    const response = await gateway(`/grip/stream/${channel}`)
    const reader = response.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toBe('open\n')
    const holder = await holderOf(channel)
    // What workerd does to an object it resets: every request it was serving is cut.
    await inside(holder, (_instance, state) => state.abort('reset by the test')).catch(() => {})
    const ended = reader.read().then(
      (result) => (result.done ? 'ended' : `more: ${new TextDecoder().decode(result.value)}`),
      () => 'ended'
    )
    const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 5000))
    expect(await Promise.race([ended, hung])).toBe('ended')
  })
})
