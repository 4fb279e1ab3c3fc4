/**
 * Held connections past `limits.maxConnections` (issue #12): streams, long-polls and
 * WebSockets share one budget; past it the gateway answers 503 CONNECTION_LIMIT with
 * Retry-After instead of holding more, and every slot comes back when its client leaves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  eventually,
  type HostileSetup,
  startHostile,
  wsOpening,
} from '../helpers/hostile-gateway.ts'
import { StreamReader } from '../helpers/stream-clients.ts'
import { connectWs, refusedHandshake, type WsClient } from '../helpers/ws-client.ts'

const LIMIT = 4
let h: HostileSetup

beforeAll(async () => {
  h = await startHostile({ limits: { maxConnections: LIMIT } })
  h.origin.on('/sse', {
    headers: { 'grip-hold': 'stream', 'grip-channel': 'c', 'content-type': 'text/event-stream' },
    body: ':open\n\n',
  })
  h.origin.on('/poll', { headers: { 'grip-hold': 'response', 'grip-channel': 'c' }, body: 'x' })
  h.origin.on('/ws', wsOpening)
})

afterAll(() => h?.close())

describe('past limits.maxConnections', () => {
  it('streams, long-polls and sockets get 503 CONNECTION_LIMIT; slots return when clients leave', async () => {
    const streams: StreamReader[] = []
    const polls: AbortController[] = []
    const sockets: WsClient[] = []
    try {
      for (let i = 0; i < LIMIT - 2; i++) {
        const stream = await StreamReader.open(`${h.gateway.url}/sse`)
        expect(stream.response.status).toBe(200)
        streams.push(stream)
      }
      const poll = new AbortController()
      polls.push(poll)
      fetch(`${h.gateway.url}/poll`, { signal: poll.signal }).catch(() => {})
      sockets.push(await connectWs(`${h.gateway.url.replace(/^http/, 'ws')}/ws`))
      expect(await eventually(() => h.held() === LIMIT)).toBe(true)

      // Full: each transport is refused, with a hint when to come back.
      for (const path of ['/sse', '/poll']) {
        const refused = await fetch(`${h.gateway.url}${path}`)
        expect(refused.status, path).toBe(503)
        expect(refused.headers.get('retry-after'), path).toBe('5')
        expect(((await refused.json()) as { code: string }).code).toBe('CONNECTION_LIMIT')
      }
      const ws = await refusedHandshake(`${h.gateway.url.replace(/^http/, 'ws')}/ws`)
      expect(ws.status).toBe(503)
      expect(h.held()).toBe(LIMIT)
    } finally {
      for (const stream of streams) stream.close()
      for (const poll of polls) poll.abort()
      for (const socket of sockets) socket.ws.close(1000)
    }
    expect(await eventually(() => h.held() === 0)).toBe(true)
    const again = await StreamReader.open(`${h.gateway.url}/sse`)
    expect(again.response.status).toBe(200)
    again.close()
    expect(await eventually(() => h.held() === 0)).toBe(true)
  })

  it('a burst of 200 concurrent opens holds at most the limit and refuses the rest', async () => {
    const aborts = Array.from({ length: 200 }, () => new AbortController())
    // The responses stay referenced: undici closes the connection of a response it
    // garbage-collects, which would free a slot behind the test's back.
    const responses = await Promise.all(
      aborts.map(async (abort) => {
        const response = await fetch(`${h.gateway.url}/sse`, { signal: abort.signal })
        if (response.status !== 200) await response.body?.cancel()
        return response
      })
    )
    const statuses = responses.map((response) => response.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT)
    expect(statuses.filter((status) => status === 503)).toHaveLength(200 - LIMIT)
    expect(h.held()).toBe(LIMIT)
    for (const abort of aborts) abort.abort()
    expect(await eventually(() => h.held() === 0)).toBe(true)
  })
})
