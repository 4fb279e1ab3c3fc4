/**
 * A subscriber that never reads (issue #12, item 6). Past `limits.subscriberQueueBytes` the
 * hub drops it; the drop used to end the stream with a last chunk queued behind megabytes the
 * client never read, so the socket stayed open (and no longer counted toward
 * `maxConnections`) until the client left. The connection must go at once.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { items } from '../helpers/grip-harness.ts'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { until } from '../helpers/ws-client.ts'

const QUEUE_BYTES = 64 * 1024

describe('a stream subscriber that never reads, on Node', () => {
  let h: HostileSetup

  beforeAll(async () => {
    h = await startHostile(
      { grip: { key: 'slow-subscriber-key' }, limits: { subscriberQueueBytes: QUEUE_BYTES } },
      [],
      { cache: false }
    )
    h.origin.on('/events', {
      headers: {
        'content-type': 'text/event-stream',
        'grip-hold': 'stream',
        'grip-channel': 'firehose',
      },
      body: ':open\n\n',
    })
  })
  afterAll(() => h?.close())

  it('is dropped with its connection: the client sees the close, both counts fall', async () => {
    const client = net.connect(h.port, '127.0.0.1')
    let received = 0
    let closed = false
    client.once('data', () => client.pause()) // the stream started: from now on, no reading
    client.on('data', (chunk: Buffer) => {
      received += chunk.length
    })
    client.on('error', () => {})
    client.on('close', () => (closed = true))
    client.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n')
    const hub = async () =>
      (await h.gateway.gateway.tier.stats()) as { connections: { stream: number } }
    await until(() => received > 0, 5000, 'the stream head')
    expect((await hub()).connections.stream).toBe(1)
    expect(h.gateway.connections()).toBe(1)

    // Far more than the socket buffers on both sides hold: the rest queues in the gateway.
    const content = 'x'.repeat(64 * 1024)
    for (let i = 0; i < 256 && (await hub()).connections.stream > 0; i++) {
      await h.gateway.gateway.tier.publish(
        items({ channel: 'firehose', formats: { 'http-stream': { content } } })
      )
    }
    expect((await hub()).connections.stream).toBe(0)
    // The server's side is gone at once, whatever the client does…
    await until(() => h.gateway.connections() === 0, 3000, 'the server socket released')
    // …and the client learns when it next reads, without working through the backlog first.
    client.resume()
    await until(() => closed, 3000, 'the client seeing the connection close')
    expect(received).toBeLessThan(32 * 1024 * 1024)
    expect(h.logger.messages('warn')).toContain('slow subscriber dropped')
  })
})
