/**
 * Upgrades other than WebSocket (`h2c`, anything a client asks for) answered as the ordinary
 * requests they also are. Node's http server gives a request with `Connection: upgrade` to the
 * 'upgrade' listeners whenever there is one, never to the request listener; the gateway's
 * (websocket-upgrades.ts) takes WebSocket upgrades only and returns early on anything else, so
 * such a request would get no answer and its socket stayed open until the process ran out of descriptors (issue #12).
 * A server may ignore an upgrade it does not take (RFC 9110 §7.8), which is what Node does
 * itself when nobody listens.
 * @module
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void

/** The upgrade websocket-upgrades.ts takes (it compares the whole field, lower-cased). */
const isWebSocketUpgrade = (request: IncomingMessage): boolean =>
  request.headers.upgrade?.toLowerCase() === 'websocket'

/**
 * Makes `server`'s 'upgrade' listeners (the WebSocket one) see WebSocket upgrades only; every
 * other upgrade is parsed again as a plain request, so it is answered, may carry a body, keeps
 * its connection alive and is released like any other.
 */
export function answerOtherUpgradesPlainly(server: Server): void {
  const websocket = server.listeners('upgrade') as UpgradeListener[]
  server.removeAllListeners('upgrade')
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (isWebSocketUpgrade(request)) {
      for (const listener of websocket) listener.call(server, request, socket, head)
      return
    }
    socket.unshift(Buffer.concat([plainHead(request), head]))
    // Documented for injecting connections: Node's parser takes the socket again from here.
    server.emit('connection', socket)
  })
}

/**
 * The request's head again, without `Upgrade` and the `upgrade` token of `Connection`.
 * Node read the fields as latin1, so the bytes come back as they were sent; llhttp already
 * checked them, so none holds a CR or LF.
 */
function plainHead(request: IncomingMessage): Buffer {
  let head = `${request.method} ${request.url} HTTP/${request.httpVersion}\r\n`
  const raw = request.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!
    let value = raw[i + 1]!
    const lower = name.toLowerCase()
    if (lower === 'upgrade') continue
    if (lower === 'connection') {
      value = value
        .split(',')
        .map((token) => token.trim())
        .filter((token) => token !== '' && token.toLowerCase() !== 'upgrade')
        .join(', ')
      if (value === '') continue
    }
    head += `${name}: ${value}\r\n`
  }
  return Buffer.from(`${head}\r\n`, 'latin1')
}
