/**
 * Issue #12 item 4: durations an origin supplies must not overflow the platform's timers.
 * setTimeout takes a 32-bit signed delay; anything larger fires after 1 ms, so a huge
 * `Grip-Timeout` used to end a long-poll at once, and a huge `Keep-Alive-Interval` made the
 * gateway poll the origin in a loop. Everything runs on 127.0.0.1; the windows below only
 * bound how long a test looks, they time nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type HostileSetup, startHostile } from '../helpers/hostile-gateway.ts'
import { rawExchange, statusCodes } from '../helpers/raw-socket.ts'
import { connectWs, type WsClient } from '../helpers/ws-client.ts'

const EVENTS = 'application/websocket-events'
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

let h: HostileSetup
const sockets: WsClient[] = []

beforeAll(async () => {
  h = await startHostile({ grip: { key: 'durations-grip-key' } }, [], { cache: false })
})

afterAll(async () => {
  for (const socket of sockets) socket.ws.terminate()
  await h?.close()
})

describe('origin-supplied durations (issue #12 item 4)', () => {
  it.each(['2147484', '2147483647'])(
    'keeps a long-poll held when Grip-Timeout is %s seconds',
    async (timeout) => {
      const path = `/poll-${timeout}`
      h.origin.on(path, {
        headers: {
          'content-type': 'text/plain',
          'grip-hold': 'response',
          'grip-channel': `durations-${timeout}`,
          'grip-timeout': timeout,
        },
        body: 'timeout body\n',
      })
      const raw = await rawExchange(h.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, {
        maxMs: 1_000,
      })
      // Held: nothing came back within the window, and the gateway did not close the socket.
      expect(statusCodes(raw.text)).toEqual([])
      expect(raw.timedOut).toBe(true)
    }
  )

  it.each(['2147483647', '99999999999'])(
    'sends no storm of keep-alive polls for Keep-Alive-Interval: %s',
    async (interval) => {
      const path = `/ws-${interval}`
      // OPEN first, then an empty answer to every poll, as a quiet origin gives.
      h.origin.on(path, (_req, count) => ({
        headers: { 'content-type': EVENTS, 'keep-alive-interval': interval },
        body: count === 1 ? 'OPEN\r\n' : '',
      }))
      const client = await connectWs(`${h.url.replace(/^http/, 'ws')}${path}`)
      sockets.push(client)
      await sleep(1_000)
      // The OPEN request only: a keep-alive poll is due in days at the earliest.
      expect(h.origin.hits(path)).toBe(1)
      client.ws.terminate()
    }
  )
})

describe('stream-hold durations (issue #12 item 4)', () => {
  it('sends no flood of keep-alives for Grip-Keep-Alive timeout=2147483647 (interval mode)', async () => {
    h.origin.on('/stream-ka', {
      headers: {
        'content-type': 'text/plain',
        'grip-hold': 'stream',
        'grip-channel': 'durations-stream',
        'grip-keep-alive': 'KA; timeout=2147483647; mode=interval',
        // A recovery link with the same kind of timeout must not be fetched in a loop either.
        'grip-link': '</stream-ka>; rel=next; timeout=2147483647',
      },
      body: 'start\n',
    })
    const raw = await rawExchange(h.port, 'GET /stream-ka HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', {
      maxMs: 1_000,
      idleMs: 1_000,
    })
    expect(statusCodes(raw.text)).toEqual([200])
    expect(raw.text.split('KA').length - 1).toBe(0)
    expect(h.origin.hits('/stream-ka')).toBe(1)
  })
})
