/**
 * Hostile reason phrases (found by the fuzz properties, issue #12). A reason is a byte string
 * that GRIP lets an origin (instruct JSON `response.reason`, `Grip-Status`) and a publisher
 * (`http-response.reason`) choose; `new Response` refuses control characters in it. The
 * gateway used to throw there: a 500 INTERNAL for the client, a stream hold whose slot was
 * never released (so a later shutdown threw as well), and a long-poll left unanswered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { consoleLogger } from '../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { EmbeddedFanout } from '../../src/hub/embedded-fanout.ts'
import { type FixtureOrigin, startFixtureOrigin } from '../helpers/fixture-origin.ts'
import { StreamReader } from '../helpers/stream-clients.ts'

const KEY = 'hostile-key'
const BAD_REASON = 'a\u0001b\u007f'

let origin: FixtureOrigin
let gateway: RunningGateway

const hub = () => (gateway.gateway.tier as EmbeddedFanout).hub

/** Resolves once the hub holds no connection; a bounded wait, used to detect a leak. */
async function untilNothingHeld(maxTurns = 2_000): Promise<number> {
  const open = () => Object.values(hub().connections).reduce((sum, n) => sum + n, 0)
  for (let i = 0; i < maxTurns && open() > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return open()
}

beforeAll(async () => {
  origin = await startFixtureOrigin()
  origin.on('/stream', {
    headers: { 'content-type': 'application/grip-instruct' },
    body: JSON.stringify({
      hold: { mode: 'stream', channels: [{ name: 'reason' }] },
      response: { reason: BAD_REASON, body: 'open\n' },
    }),
  })
  origin.on('/poll', {
    headers: { 'grip-hold': 'response', 'grip-channel': 'reason' },
    body: 'timeout\n',
  })
  const config = parseConfig(
    {
      origins: { app: { url: origin.url } },
      routes: [{ path: '/*', origin: 'app' }],
      publish: { keys: [KEY] },
    },
    {}
  )
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  gateway = await startGateway({
    config: config.value,
    port: 0,
    host: '127.0.0.1',
    logger: consoleLogger('error'),
  })
})

afterAll(async () => {
  await gateway?.close(1_000)
  await origin?.close()
})

describe('a reason phrase with control characters', () => {
  it('from instruct JSON: the stream opens with the standard phrase and frees its slot', async () => {
    const stream = await StreamReader.open(`${gateway.url}/stream`)
    expect(stream.response.status).toBe(200)
    expect(stream.response.statusText).toBe('OK')
    await stream.waitForText((text) => text === 'open\n', 'the initial body')
    stream.close()
    expect(await untilNothingHeld()).toBe(0)
  })

  it('from a publish: the long-poll is answered with the standard phrase', async () => {
    const poll = fetch(`${gateway.url}/poll`)
    for (let i = 0; i < 2_000 && hub().connections.response === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const published = await fetch(`${gateway.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        items: [
          {
            channel: 'reason',
            formats: { 'http-response': { code: 404, reason: BAD_REASON, body: 'published' } },
          },
        ],
      }),
    })
    expect(published.status).toBe(200)
    const answered = await poll
    expect(answered.status).toBe(404)
    expect(answered.statusText).toBe('Not Found')
    expect(await answered.text()).toBe('published')
    expect(await untilNothingHeld()).toBe(0)
  })
})
