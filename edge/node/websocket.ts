/**
 * The WebSocket seam on Node, over @hono/node-server 2's built-in upgrade support and the
 * `ws` socket underneath (for ping, pong, terminate and bufferedAmount, which Hono's
 * WSContext does not expose).
 * @module
 */
import { type HttpBindings, upgradeWebSocket } from '@hono/node-server'
import type { Context } from 'hono'
import type { WebSocket } from 'ws'
import type { WebSocketAcceptor, WsHandler, WsSocket } from '../../src/ws-socket.ts'

/** Close code ws reports when no close frame was received. */
const ABNORMAL_CLOSURE = 1006

export const nodeWebSocketAcceptor: WebSocketAcceptor = {
  // ws refuses a bad handshake only after this handler answered (issue #12).
  checksHandshake: true,
  async accept(c: Context, headers: Headers, handler: WsHandler): Promise<Response> {
    let closeFrameSeen = false
    let opened = false
    // A client that leaves while the origin answers the OPEN is never upgraded (ws drops a
    // socket that is no longer writable without a word): the session must still end, or the
    // origin never hears of it and the hub keeps its slot.
    const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket
    const leftBeforeOpen = () => {
      if (!opened) handler.onClose(undefined, '', false)
    }
    socket?.once('close', leftBeforeOpen)
    await upgradeWebSocket(c, {
      onOpen(_event, ctx) {
        opened = true
        socket?.off('close', leftBeforeOpen)
        const ws = ctx.raw as WebSocket
        ws.on('ping', (data: Buffer) => handler.onPing(new Uint8Array(data)))
        ws.on('pong', (data: Buffer) => handler.onPong(new Uint8Array(data)))
        // ws reports 1005 for a close frame without a code and 1006 when none came at all.
        ws.on('close', (code: number) => {
          closeFrameSeen = code !== ABNORMAL_CLOSURE
        })
        handler.onOpen(new NodeWsSocket(ws))
      },
      onMessage(event) {
        const data = event.data
        if (typeof data === 'string') handler.onMessage(new TextEncoder().encode(data), false)
        else handler.onMessage(new Uint8Array(data as ArrayBuffer), true)
      },
      onClose(event) {
        const code = event.code === 1005 || event.code === ABNORMAL_CLOSURE ? undefined : event.code
        handler.onClose(code, event.reason, closeFrameSeen)
      },
    })
    // node-server copies this response's headers onto the 101.
    return new Response(null, { headers })
  },
}

/**
 * The core's socket over a `ws` WebSocket. A class, not an object literal with a getter:
 * one is kept per connection for its lifetime, and the literal cost a 448-byte property
 * store each (issue #8's heap profile).
 */
class NodeWsSocket implements WsSocket {
  readonly #ws: WebSocket

  constructor(ws: WebSocket) {
    this.#ws = ws
  }

  send(data: string | Uint8Array): void {
    this.#ws.send(data, { binary: typeof data !== 'string' })
  }

  ping(data: Uint8Array): void {
    this.#ws.ping(data)
  }

  pong(data: Uint8Array): void {
    this.#ws.pong(data)
  }

  close(code?: number, reason?: string): void {
    try {
      this.#ws.close(code, reason)
    } catch {
      // ws throws on a code a close frame may not carry or a reason over 123 bytes; the core
      // never passes either (ws-session.ts #closeClient), but a socket must not take the
      // process down if it ever did: close it without a code instead, as workerd-socket.ts does.
      this.#ws.close()
    }
  }

  terminate(): void {
    this.#ws.terminate()
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount
  }
}
