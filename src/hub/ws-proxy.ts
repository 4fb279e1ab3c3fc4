/**
 * Client WebSockets on routed paths, served through WebSocket-over-HTTP (GRIP.md §7.2):
 * the handshake becomes an `OPEN` POST to the origin, and only an accepting answer
 * upgrades the client; otherwise the client gets the origin's status.
 * @module
 */
import type { Context } from 'hono'
import { GatewayError } from '../errors.ts'
import type { SendToOrigin } from '../fanout.ts'
import { encodeWsEvents } from '../grip/ws-events.ts'
import { isSetMetaHeader } from '../grip/ws-meta.ts'
import type { WebSocketAcceptor } from '../ws-socket.ts'
import type { Hub } from './hub.ts'
import { WohExchange, type WohTarget, wohTarget } from './woh-exchange.ts'
import { handshakeError } from './ws-handshake.ts'
import { WsSession } from './ws-session.ts'

/** Origin answer fields that must not reach the client's 101. */
const NOT_FOR_CLIENT = [
  'content-type',
  'content-length',
  'keep-alive-interval',
  'sec-websocket-extensions',
  'date',
  'x-cache',
  'cache-status',
]

/**
 * Runs a client's upgrade through the origin. `target` is given by a caller that must know
 * where the socket's requests go (a Durable Object saves it to rebuild the socket); a new one
 * is made otherwise.
 */
export async function proxyWebSocket(
  c: Context,
  send: SendToOrigin,
  hub: Hub,
  acceptor: WebSocketAcceptor | undefined,
  target?: WohTarget
): Promise<Response> {
  const request = c.req.raw
  if (!acceptor)
    throw new GatewayError('BAD_REQUEST', 400, 'WebSockets are not available on this platform')
  if (acceptor.checksHandshake) {
    const refused = handshakeError(request)
    if (refused) throw refused
  }
  if (!hub.openConnection('websocket')) {
    throw new GatewayError(
      'CONNECTION_LIMIT',
      503,
      `the gateway holds ${hub.limits.maxConnections} connections already`
    )
  }
  const exchange = WohExchange.to(target ?? wohTarget(request), send)
  let reply: Awaited<ReturnType<WohExchange['readOpen']>>
  let openHeaders: Headers
  try {
    const open = await exchange.post(encodeWsEvents([{ type: 'OPEN' }]))
    openHeaders = open.headers
    reply = await exchange.readOpen(open)
  } catch (error) {
    hub.closeConnection('websocket')
    throw error
  }
  if (!reply.ok) {
    hub.closeConnection('websocket')
    if (reply.response) {
      // The client gets no body: left unread, this one would hold the origin's connection.
      await reply.response.body?.cancel()
      return new Response(null, {
        status: reply.response.status,
        // The origin's headers describe its answer, so its Content-Type stays (§7.2).
        headers: clientHeaders(reply.response.headers, ['content-type']),
      })
    }
    throw new GatewayError('GRIP_BAD_INSTRUCT', 502, `WebSocket-over-HTTP: ${reply.reason}`)
  }
  return acceptor.accept(c, clientHeaders(openHeaders), new WsSession(hub, exchange, reply))
}

/** The origin's answer headers fit for the client; `keep` names fields to pass anyway. */
function clientHeaders(origin: Headers, keep: readonly string[] = []): Headers {
  const headers = new Headers()
  origin.forEach((value, name) => {
    if (NOT_FOR_CLIENT.includes(name) && !keep.includes(name)) return
    if (isSetMetaHeader(name) || name.startsWith('grip-')) return
    headers.append(name, value)
  })
  return headers
}
