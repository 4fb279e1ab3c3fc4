/**
 * The core's `WsSocket` over a workerd server WebSocket.
 *
 * workerd (2026-04-26) has no API to send ping or pong frames (it answers client pings
 * itself and never reports them), no `bufferedAmount`, and no way to drop a connection
 * without a close frame. So origin PING/PONG events and published ping/pong messages are
 * not sent, a slow client is never detected here, and an origin DISCONNECT closes the
 * client without a code (it sees 1005 where Node gives 1006).
 * @module
 */
import type { WsSocket } from '../../../src/ws-socket.ts'

/** Wraps `ws`; calls on a socket that already closed are ignored, as `ws` does on Node. */
export function workerdSocket(ws: WebSocket): WsSocket {
  const quietly = (action: () => void) => {
    try {
      action()
    } catch {
      // Closed or closing: the client is gone, nothing to tell it.
    }
  }
  return {
    send: (data) => quietly(() => ws.send(data)),
    ping: () => {},
    pong: () => {},
    close: (code, reason) => quietly(() => ws.close(code, reason)),
    terminate: () => quietly(() => ws.close()),
    bufferedAmount: 0,
  }
}
