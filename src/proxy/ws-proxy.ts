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
import { isMetaHeader, isSetMetaHeader } from '../grip/ws-meta.ts'
import { toPairs } from '../http/headers.ts'
import type { Hub } from '../hub/hub.ts'
import { WOH_CONTENT_TYPE, WohExchange } from '../hub/woh-exchange.ts'
import { WsSession } from '../hub/ws-session.ts'
import type { WebSocketAcceptor } from '../ws-socket.ts'
import { handshakeError } from './ws-handshake.ts'

/** Handshake fields that describe the client's connection, not the WOH requests (§7.2). */
const NOT_FORWARDED = [
  'upgrade',
  'connection',
  'accept',
  'content-length',
  'connection-id',
  'sec-websocket-extensions',
]

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

/** Runs a client's upgrade through the origin. */
export async function proxyWebSocket(
  c: Context,
  send: SendToOrigin,
  hub: Hub,
  acceptor: WebSocketAcceptor | undefined
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
  // Kept for the socket's lifetime: plain pairs and the URL's text, not a Headers object and
  // the whole client Request.
  const base = toPairs(wohHeaders(request.headers, crypto.randomUUID()))
  const url = request.url
  const exchange = new WohExchange((body, meta) => {
    const headers = new Headers(base)
    for (const [name, value] of meta) headers.set(name, value)
    // Sized, not chunked: Pushpin sends Content-Length, `0` on a keep-alive poll (§7.2).
    headers.set('content-length', String(body.byteLength))
    return send(
      new Request(url, { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> }),
      { direct: true }
    )
  })
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
    if (reply.response)
      return new Response(null, {
        status: reply.response.status,
        // The origin's headers describe its answer, so its Content-Type stays (§7.2).
        headers: clientHeaders(reply.response.headers, ['content-type']),
      })
    throw new GatewayError('GRIP_BAD_INSTRUCT', 502, `WebSocket-over-HTTP: ${reply.reason}`)
  }
  return acceptor.accept(c, clientHeaders(openHeaders), new WsSession(hub, exchange, reply))
}

/** The fixed headers of every WOH request of one connection. */
function wohHeaders(client: Headers, connectionId: string): Headers {
  const headers = new Headers()
  client.forEach((value, name) => {
    if (!NOT_FORWARDED.includes(name) && !isMetaHeader(name)) headers.append(name, value)
  })
  headers.set('content-type', WOH_CONTENT_TYPE)
  headers.set('accept', WOH_CONTENT_TYPE)
  headers.set('connection-id', connectionId)
  headers.set('sec-websocket-extensions', 'grip')
  return headers
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
