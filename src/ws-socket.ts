/**
 * The WebSocket seam: the minimal socket the core drives (Hono's `WSContextInit` idea), and
 * the platform's way to complete a client's upgrade. The core owns the behaviour; each
 * platform supplies only these primitives.
 * @module
 */
import type { Context } from 'hono'

/** One accepted client WebSocket. */
export interface WsSocket {
  /** Sends a text (string) or binary (bytes) message. */
  send(data: string | Uint8Array): void
  ping(data: Uint8Array): void
  pong(data: Uint8Array): void
  /** Starts the close handshake. */
  close(code?: number, reason?: string): void
  /** Drops the connection without a close handshake (the client sees 1006). */
  terminate(): void
  /** Bytes accepted by `send` but not yet written to the network. */
  readonly bufferedAmount: number
}

/** What happens on a client socket, as the core hears it. */
export interface WsHandler {
  onOpen(socket: WsSocket): void
  onMessage(data: Uint8Array, binary: boolean): void
  /**
   * A client ping: the core answers it with `pong` (RFC 6455 §5.5.2). A runtime that answers
   * pings itself and never reports them (workerd) never calls this.
   */
  onPing(data: Uint8Array): void
  onPong(data: Uint8Array): void
  /** The socket closed; `clean` is false when no close frame arrived (code 1006). */
  onClose(code: number | undefined, reason: string, clean: boolean): void
}

/** Completes an upgrade on a platform. */
export interface WebSocketAcceptor {
  /**
   * Whether the core must check the client's handshake before asking the origin
   * (`hub/ws-handshake.ts`): true where the platform's socket library refuses a bad one
   * only after the handler answered (`ws` on Node), which would leave the origin an OPEN and
   * the hub a slot for a socket that never opens.
   */
  readonly checksHandshake?: boolean
  /**
   * Accepts the client's upgrade with `headers` added to the 101 response; returns the
   * Response the platform's server expects from the handler.
   */
  accept(c: Context, headers: Headers, handler: WsHandler): Response | Promise<Response>
}
