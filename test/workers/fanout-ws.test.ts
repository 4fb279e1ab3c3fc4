import { describe, expect, it } from 'vitest'
import { ConnectionHolder } from '../../edge/cloudflare/fanout/connection-holder.ts'
import {
  channelName,
  eventually,
  fanoutEnv,
  gateway,
  holderOf,
  holdersOf,
  inside,
  originLog,
  publish,
} from './fanout-fixture.ts'

/** A client WebSocket through the Worker, with what it received so far. */
async function connect(path: string) {
  const response = await gateway(path, { headers: { upgrade: 'websocket' } })
  expect(response.status).toBe(101)
  const ws = response.webSocket!
  const received: string[] = []
  const closed: { code?: number; reason?: string } = {}
  ws.addEventListener('message', (event) => received.push(String(event.data)))
  ws.addEventListener('close', (event) =>
    Object.assign(closed, { code: event.code, reason: event.reason })
  )
  ws.accept()
  const next = (count: number) =>
    eventually(
      async () => received,
      (got) => got.length >= count
    )
  return { ws, received, closed, next, response }
}

const wsMessage = (channel: string, content: string) => ({
  channel,
  formats: { 'ws-message': { content } },
})

describe('WebSockets in a ConnectionHolder (Hibernation API)', () => {
  it('gets a published ws-message on the channel its OPEN subscribed it to', async () => {
    const channel = channelName('ws')
    const client = await connect(`/grip/ws/${channel}`)
    await holderOf(channel)
    await publish(wsMessage(channel, 'hello socket'))
    expect(await client.next(1)).toEqual(['hello socket'])
    client.ws.close(1000, 'done')
  })

  it('talks WebSocket-over-HTTP to the origin: echo, one Connection-Id, meta sent back', async () => {
    const channel = channelName('echo')
    const client = await connect(`/grip/ws/${channel}`)
    client.ws.send('hi')
    expect(await client.next(1)).toEqual(['echo:hi'])
    client.ws.close(1000, 'bye')
    const log = await eventually(
      () => originLog('ws', channel),
      (entries) => entries.length === 3
    )
    expect(log.map((entry) => entry.events)).toEqual([['OPEN'], ['TEXT'], ['CLOSE']])
    expect(new Set(log.map((entry) => entry.connectionId)).size).toBe(1)
    expect(log.map((entry) => entry.meta)).toEqual([null, 'u1', 'u1'])
  })

  it('gets publishes of a channel a control message subscribed it to later', async () => {
    const first = channelName('first')
    const later = channelName('later')
    const client = await connect(`/grip/ws/${first}`)
    client.ws.send(`sub:${later}`)
    await holderOf(later)
    await publish(wsMessage(later, 'from the later channel'))
    expect(await client.next(1)).toEqual(['from the later channel'])
    client.ws.close(1000)
  })

  it('shows the socket on its holder, and the holder on both channels’ rooms', async () => {
    const first = channelName('seen')
    const later = channelName('seen-later')
    const client = await connect(`/grip/ws/${first}`)
    client.ws.send(`sub:${later}`)
    const holder = await holderOf(later)
    const [roomOfFirst] = await holdersOf(first)
    expect(roomOfFirst).toBe((await holdersOf(later))[0])
    const seen = await inside(holder, (instance: ConnectionHolder, state) => ({
      sockets: state.getWebSockets().length,
      described: instance.describe(),
      attachments: state.getWebSockets().map((ws) => ws.deserializeAttachment()),
    }))
    expect(seen.sockets).toBeGreaterThanOrEqual(1)
    expect(seen.described.channels).toEqual(expect.arrayContaining([first, later]))
    const mine = seen.attachments.find((a) => a.url.endsWith(`/grip/ws/${first}`))
    expect(mine.session).toMatchObject({
      channels: [first, later],
      meta: { user: 'u1' },
      grip: { enabled: true, prefix: 'm:' },
      detached: false,
    })
    client.ws.close(1000)
  })

  it('unregisters from the channel when the client closes', async () => {
    const channel = channelName('bye')
    const client = await connect(`/grip/ws/${channel}`)
    await holderOf(channel)
    client.ws.close(1000, 'bye')
    await eventually(
      () => holdersOf(channel),
      (ids) => ids.length === 0
    )
  })

  it('fails the handshake with the origin’s status when the origin refuses', async () => {
    const response = await gateway('/grip/nothing-here', { headers: { upgrade: 'websocket' } })
    expect(response.status).toBe(404)
    expect(response.webSocket).toBeNull()
  })
})

describe('WebSocket input limits in a holder (limits of workers-fixture.ts: 64 KiB each)', () => {
  const closedWith = (client: Awaited<ReturnType<typeof connect>>) =>
    eventually(
      async () => client.closed.code,
      (code) => code !== undefined
    )

  it('closes with 1009 on a message over wsMessageBytes, and tells the origin nothing of it', async () => {
    const channel = channelName('big')
    const client = await connect(`/grip/ws/${channel}`)
    client.ws.send(new Uint8Array(64 * 1024 + 1))
    expect(await closedWith(client)).toBe(1009)
    const log = await originLog('ws', channel)
    expect(log.flatMap((entry) => entry.events)).not.toContain('BINARY')
  })

  it('takes a message of exactly wsMessageBytes', async () => {
    const channel = channelName('exact')
    const client = await connect(`/grip/ws/${channel}`)
    const exact = 'x'.repeat(64 * 1024)
    client.ws.send(exact)
    client.ws.send('after')
    // Both taken, neither closed with 1009. Not their order: local workerd (2026-04-26) now and
    // then hands the holder's webSocketMessage the small message before the large one sent
    // first (seen in the handler itself, before any gateway code), and the holder can only
    // keep the order it is given (docs/cloudflare.md).
    expect([...(await client.next(2))].sort()).toEqual(['echo:after', `echo:${exact}`])
    expect(client.closed.code).toBeUndefined()
    client.ws.close(1000)
  })

  it('closes with 1008 once input queued behind a slow origin passes wsQueueBytes', async () => {
    const channel = channelName('queue')
    const client = await connect(`/grip/ws/${channel}`)
    client.ws.send('slow') // the origin sits on this one for 3 s
    await eventually(
      () => originLog('ws', channel),
      (entries) => entries.length === 2
    )
    for (let i = 0; i < 10; i++) client.ws.send(new Uint8Array(10 * 1024))
    expect(await closedWith(client)).toBe(1008)
    expect(client.closed.reason).toBe('input queue full')
  })
})

describe('a holder after hibernation (a new instance over the same state)', () => {
  it('rebuilds the session from the attachment: publishes reach the socket, meta goes on', async () => {
    const channel = channelName('wake')
    const client = await connect(`/grip/ws/${channel}`)
    const holder = await holderOf(channel)
    await inside(holder, async (_instance, state) => {
      // What workerd does after a hibernation: a fresh object over the same state and sockets.
      const woken = new ConnectionHolder(state, fanoutEnv)
      const ws = state
        .getWebSockets()
        .find((socket) =>
          (socket.deserializeAttachment() as { url: string }).url.endsWith(channel)
        )!
      await woken.deliver([
        [
          {
            channel,
            noSeq: false,
            formats: {
              'ws-message': {
                action: 'send',
                type: 'text',
                content: new TextEncoder().encode('after the nap'),
              },
            },
          },
        ],
      ])
      await woken.webSocketMessage(ws, 'still there?')
    })
    expect(await client.next(2)).toEqual(['after the nap', 'echo:still there?'])
    const log = await originLog('ws', channel)
    expect(log.at(-1)).toMatchObject({ events: ['TEXT'], meta: 'u1' })
    expect(new Set(log.map((entry) => entry.connectionId)).size).toBe(1)
    client.ws.close(1000)
  })

  it('keeps WOH keep-alive polls on the alarm, and sends one that fell due while asleep', async () => {
    const channel = channelName('poll')
    const client = await connect(`/grip/ws/${channel}?keep-alive=20`)
    const holder = await holderOf(channel)
    const alarm = await inside(holder, (_instance, state) => state.storage.getAlarm())
    expect(alarm).not.toBeNull()
    expect(alarm! - Date.now()).toBeGreaterThan(15_000)
    await inside(holder, async (_instance, state) => {
      const ws = state
        .getWebSockets()
        .find((socket) =>
          (socket.deserializeAttachment() as { url: string }).url.includes(channel)
        )!
      const attachment = ws.deserializeAttachment() as { session: { pollAt: number } }
      ws.serializeAttachment({ ...attachment, session: { ...attachment.session, pollAt: 0 } })
      await new ConnectionHolder(state, fanoutEnv).alarm()
    })
    const log = await eventually(
      () => originLog('ws', channel),
      (entries) => entries.length === 2
    )
    expect(log[1]).toMatchObject({ events: [], meta: 'u1' })
    client.ws.close(1000)
  })
})

describe('a holder that is reset (evicted, restarted, broken)', () => {
  it('closes its sockets, so clients reconnect instead of waiting on a dead connection', async () => {
    const channel = channelName('ws-reset')
    const client = await connect(`/grip/ws/${channel}`)
    const holder = await holderOf(channel)
    await inside(holder, (_instance, state) => state.abort('reset by the test')).catch(() => {})
    const closed = new Promise((resolve) => {
      if (client.closed.code !== undefined) resolve('closed')
      client.ws.addEventListener('close', () => resolve('closed'))
      client.ws.addEventListener('error', () => resolve('closed'))
    })
    const hung = new Promise((resolve) => setTimeout(() => resolve('hung'), 5000))
    expect(await Promise.race([closed, hung])).toBe('closed')
  })
})
