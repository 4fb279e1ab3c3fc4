/**
 * A client's upgrade through WebSocket-over-HTTP (GRIP.md §7.2), over a fake acceptor and a
 * scripted origin: what an origin that refuses the OPEN leaves behind, and what an accepting
 * one hands the platform.
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { SendToOrigin } from '../../../src/fanout.ts'
import { encodeWsEvents } from '../../../src/grip/ws-events.ts'
import { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import { WOH_CONTENT_TYPE } from '../../../src/hub/woh-exchange.ts'
import type { WebSocketAcceptor, WsHandler } from '../../../src/ws-socket.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'
import { LIMITS } from '../../helpers/grip-harness.ts'

/** An acceptor that records what it was asked to accept (answering as Node's does). */
function recordingAcceptor() {
  const accepted: Array<{ headers: Headers; handler: WsHandler }> = []
  const acceptor: WebSocketAcceptor = {
    accept: (_c, headers, handler) => {
      accepted.push({ headers, handler })
      return new Response(null, { headers })
    },
  }
  return { acceptor, accepted }
}

/** An origin answer whose body records whether anyone read it to the end or cancelled it. */
function watchedAnswer(status: number, headers: Record<string, string>, text: string) {
  const state = { cancelled: false, finished: false }
  let sent = false
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) {
        state.finished = true
        controller.close()
        return
      }
      sent = true
      controller.enqueue(new TextEncoder().encode(text))
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { response: new Response(body, { status, headers }), state }
}

/** The embedded tier over `acceptor`, serving every upgrade through `send`. */
function gateway(send: SendToOrigin, acceptor: WebSocketAcceptor) {
  const tier = new EmbeddedFanout({
    clock: new FakeClock(),
    logger: new CaptureLogger(),
    limits: LIMITS,
    websocket: acceptor,
  })
  const app = new Hono().all('*', (c) => tier.webSocket(c, send))
  const upgrade = () =>
    app.fetch(
      new Request('http://gw.test/ws', {
        headers: { upgrade: 'websocket', connection: 'Upgrade', 'x-client': '1' },
      })
    )
  return { hub: tier.hub, upgrade }
}

describe('proxyWebSocket', () => {
  it("answers a refused OPEN with the origin's status and lets go of the origin's body", async () => {
    const refusal = watchedAnswer(403, { 'content-type': 'text/plain', 'x-why': 'no' }, 'go away')
    const { acceptor, accepted } = recordingAcceptor()
    const g = gateway(async () => refusal.response, acceptor)
    const response = await g.upgrade()
    expect(response.status).toBe(403)
    expect(response.headers.get('content-type')).toBe('text/plain')
    expect(response.headers.get('x-why')).toBe('no')
    expect(accepted).toEqual([])
    expect(g.hub.connections.websocket).toBe(0)
    // Left unread, the body would keep the origin's (pooled) connection busy.
    expect(refusal.state.cancelled || refusal.state.finished).toBe(true)
  })

  it('hands an accepted OPEN to the acceptor with the origin fields fit for the 101', async () => {
    const posted: Request[] = []
    const { acceptor, accepted } = recordingAcceptor()
    const g = gateway(async (request, { direct }) => {
      expect(direct).toBe(true)
      posted.push(request)
      return new Response(encodeWsEvents([{ type: 'OPEN' }]) as Uint8Array<ArrayBuffer>, {
        headers: { 'content-type': WOH_CONTENT_TYPE, 'x-origin': 'yes', 'grip-x': 'no' },
      })
    }, acceptor)
    await g.upgrade()
    expect(accepted).toHaveLength(1)
    expect([...(accepted[0]?.headers ?? [])]).toEqual([['x-origin', 'yes']])
    expect(posted[0]?.headers.get('x-client')).toBe('1')
    expect(posted[0]?.headers.get('connection-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(g.hub.connections.websocket).toBe(1)
  })
})
