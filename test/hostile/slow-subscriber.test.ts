/**
 * A subscriber that never reads (issue #12, item 6). Past `limits.subscriberQueueBytes` the
 * hub drops it; the drop used to end the stream with a last chunk queued behind megabytes the
 * client never read, so the socket stayed open (and no longer counted toward
 * `maxConnections`) until the client left. The connection must go at once.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { items } from '../helpers/grip-harness.ts'
import { until } from '../helpers/ws-client.ts'

const QUEUE_BYTES = 64 * 1024

describe('a stream subscriber that never reads, on Node', () => {
  let origin: FixtureOrigin
  let gateway: RunningGateway
  const logger = new CaptureLogger()

  beforeAll(async () => {
    origin = await startFixtureOrigin()
    origin.on('/events', {
      headers: {
        'content-type': 'text/event-stream',
        'grip-hold': 'stream',
        'grip-channel': 'firehose',
      },
      body: ':open\n\n',
    })
    const config = parseConfig(
      {
        origins: { app: { url: origin.url } },
        routes: [{ path: '/*', origin: 'app', cache: false }],
        grip: { key: 'slow-subscriber-key' },
        limits: { subscriberQueueBytes: QUEUE_BYTES },
      },
      {}
    )
    if (!config.ok) throw new Error(JSON.stringify(config.error))
    gateway = await startGateway({ config: config.value, port: 0, host: '127.0.0.1', logger })
  })
  afterAll(async () => {
    await gateway?.close(200)
    await origin?.close()
  })

  it('is dropped with its connection: the client sees the close, both counts fall', async () => {
    const client = net.connect(Number(new URL(gateway.url).port), '127.0.0.1')
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
      (await gateway.gateway.tier.stats()) as { connections: { stream: number } }
    await until(() => received > 0, 5000, 'the stream head')
    expect((await hub()).connections.stream).toBe(1)
    expect(gateway.connections()).toBe(1)

    // Far more than the socket buffers on both sides hold: the rest queues in the gateway.
    const content = 'x'.repeat(64 * 1024)
    for (let i = 0; i < 256 && (await hub()).connections.stream > 0; i++) {
      await gateway.gateway.tier.publish(
        items({ channel: 'firehose', formats: { 'http-stream': { content } } })
      )
    }
    expect((await hub()).connections.stream).toBe(0)
    // The server's side is gone at once, whatever the client does…
    await until(() => gateway.connections() === 0, 3000, 'the server socket released')
    // …and the client learns when it next reads, without working through the backlog first.
    client.resume()
    await until(() => closed, 3000, 'the client seeing the connection close')
    expect(received).toBeLessThan(32 * 1024 * 1024)
    expect(logger.messages('warn')).toContain('slow subscriber dropped')
  })
})
