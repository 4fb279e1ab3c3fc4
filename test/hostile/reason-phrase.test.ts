/**
 * Hostile reason phrases (found by the fuzz properties, issue #12). A reason is a byte string
 * that GRIP lets an origin (instruct JSON `response.reason`, `Grip-Status`) and a publisher
 * (`http-response.reason`) choose; `new Response` refuses control characters in it. The
 * gateway used to throw there: a 500 INTERNAL for the client, a stream hold whose slot was
 * never released (so a later shutdown threw as well), and a long-poll left unanswered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventually,
  HOSTILE_KEY,
  type HostileSetup,
  startHostile,
} from '../helpers/hostile-gateway.ts'
import { StreamReader } from '../helpers/stream-clients.ts'

const BAD_REASON = 'a\u0001b\u007f'

let h: HostileSetup

/** Resolves once the hub holds no connection; a bounded wait, used to detect a leak. */
async function untilNothingHeld(): Promise<number> {
  await eventually(() => h.held() === 0, 10_000)
  return h.held()
}

beforeAll(async () => {
  h = await startHostile()
  h.origin.on('/stream', {
    headers: { 'content-type': 'application/grip-instruct' },
    body: JSON.stringify({
      hold: { mode: 'stream', channels: [{ name: 'reason' }] },
      response: { reason: BAD_REASON, body: 'open\n' },
    }),
  })
  h.origin.on('/poll', {
    headers: { 'grip-hold': 'response', 'grip-channel': 'reason' },
    body: 'timeout\n',
  })
})

afterAll(() => h?.close())

describe('a reason phrase with control characters', () => {
  it('from instruct JSON: the stream opens with the standard phrase and frees its slot', async () => {
    const stream = await StreamReader.open(`${h.url}/stream`)
    expect(stream.response.status).toBe(200)
    expect(stream.response.statusText).toBe('OK')
    await stream.waitForText((text) => text === 'open\n', 'the initial body')
    stream.close()
    expect(await untilNothingHeld()).toBe(0)
  })

  it('from a publish: the long-poll is answered with the standard phrase', async () => {
    const poll = fetch(`${h.url}/poll`)
    await eventually(() => h.hub.connections.response > 0, 10_000)
    const published = await fetch(`${h.url}/publish/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HOSTILE_KEY}`, 'content-type': 'application/json' },
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
