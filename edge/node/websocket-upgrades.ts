/**
 * WebSocket upgrades on Node, taken from node:http's 'upgrade' event without
 * @hono/node-server's upgrade machinery: each becomes a web Request for the gateway, with the
 * raw socket in its env (`UpgradeEnv`); the gateway's acceptor (websocket.ts) completes the
 * handshake with `ws` once the origin accepted the OPEN, and any other answer is written back
 * on the socket, which then closes. Nothing of the request outlives its handshake (issue #18).
 * @module
 */
import { type IncomingMessage, type Server, STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocketServer } from 'ws'
import { GatewayError } from '../../src/errors.ts'
import { ignoreError, type UpgradeEnv } from './websocket.ts'

/** The gateway's entry for an upgrade. */
export type UpgradeFetch = (request: Request, env: UpgradeEnv) => Response | Promise<Response>

/**
 * Serves `server`'s WebSocket upgrades through `fetch` (others are not WebSocket upgrades and
 * are left to the other 'upgrade' listeners, plain-upgrades.ts).
 */
export function takeWebSocketUpgrades(
  server: Server,
  wss: WebSocketServer,
  fetch: UpgradeFetch
): void {
  server.on('upgrade', (incoming: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (incoming.headers.upgrade?.toLowerCase() !== 'websocket') return
    // Until ws owns it, an error on the socket (a reset while the origin answers) is not ours
    // to throw: the 'close' after it ends the session.
    socket.on('error', ignoreError)
    void serveUpgrade(incoming, socket, head, wss, fetch)
  })
  server.on('close', () => wss.close())
}

async function serveUpgrade(
  incoming: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  wss: WebSocketServer,
  fetch: UpgradeFetch
): Promise<void> {
  const env: UpgradeEnv = {
    incoming,
    outgoing: undefined,
    upgrade: { socket, head, server: wss, taken: false },
  }
  const request = upgradeRequest(incoming)
  if (!request) {
    const error = new GatewayError('BAD_REQUEST', 400, 'the request target names no resource')
    return refuse(socket, error.getResponse())
  }
  let response: Response
  try {
    response = await fetch(request, env)
  } catch {
    // The gateway renders its own errors; a throw here is a bug: answer 500, keep serving.
    return refuse(socket, new Response(null, { status: 500 }))
  }
  if (!env.upgrade.taken) await refuse(socket, response)
}

/**
 * The upgrade as a web Request (GET, no body), or undefined for a target that names no
 * resource of ours: a backslash in the path (WHATWG URL reads it as `/`, others do not), a
 * Host field URL parsing rewrites, or a target that is neither origin- nor absolute-form.
 */
export function upgradeRequest(incoming: IncomingMessage): Request | undefined {
  const target = incoming.url ?? '/'
  const query = target.indexOf('?')
  const backslash = target.indexOf('\\')
  if (backslash !== -1 && (query === -1 || backslash < query)) return undefined
  let url: URL
  try {
    if (/^https?:\/\//i.test(target)) url = new URL(target)
    else {
      if (!target.startsWith('/')) return undefined
      const host = incoming.headers.host ?? 'localhost'
      url = new URL(`http://${host}${target}`)
      // `a@b`, `b/c`, `b#c` would parse as another host (or a path) than the field says.
      if (url.hostname !== host.replace(/:\d*$/, '').toLowerCase()) return undefined
    }
  } catch {
    return undefined
  }
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue
    // node:http joins repeated fields but keeps Set-Cookie-like ones as arrays.
    headers.append(name, Array.isArray(value) ? value.join(', ') : value)
  }
  return new Request(url, { headers })
}

/** Answers the upgrade with `response` (head and body) and closes the connection. */
async function refuse(socket: Duplex, response: Response): Promise<void> {
  let body: Uint8Array = new Uint8Array(0)
  try {
    body = new Uint8Array(await response.arrayBuffer())
  } catch {
    // A body that failed to arrive: the status and fields still go out.
  }
  if (socket.destroyed) return
  const lines = [
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`,
    'connection: close',
    `content-length: ${body.byteLength}`,
  ]
  response.headers.forEach((value, name) => {
    if (name !== 'connection' && name !== 'content-length' && name !== 'transfer-encoding')
      lines.push(`${name}: ${value}`)
  })
  socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1')
  socket.end(body)
}
