/**
 * The WebSocket seam on Node, over `ws` directly: the server's 'upgrade' listener
 * (websocket-upgrades.ts) leaves the raw socket in the request's env, and `accept` completes
 * the handshake with `handleUpgrade` once the gateway took the upgrade (the origin accepted
 * the OPEN). A held socket keeps only the `ws` WebSocket, its NodeWsSocket and the core's
 * handler: no Hono Context, no Request, no WSContext (issue #18; docs/performance.md).
 * @module
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Context } from 'hono'
import type { WebSocket, WebSocketServer } from 'ws'
import { HOP_BY_HOP } from '../../src/http/headers.ts'
import type { WebSocketAcceptor, WsHandler, WsSocket } from '../../src/ws-socket.ts'
import { directSocket, frameOf } from './ws-frames.ts'

/** An upgrade request's env on Node: what `accept` needs to complete the handshake. */
export interface UpgradeEnv {
  incoming: IncomingMessage
  /** Absent: there is no ServerResponse for an upgrade. */
  outgoing: undefined
  upgrade: NodeUpgrade
}

/** The raw connection of an upgrade, handed from the 'upgrade' listener to `accept`. */
export interface NodeUpgrade {
  socket: Duplex
  /** The first bytes after the request's head. */
  head: Buffer
  server: WebSocketServer
  /** Set by `accept`: the socket is the acceptor's now, the listener must not answer on it. */
  taken: boolean
}

/** Close code ws reports when no close frame was received. */
const ABNORMAL_CLOSURE = 1006
/** Close code ws reports for a close frame without a code. */
const NO_STATUS = 1005

/**
 * Fields of the gateway's answer that must not reach the 101: ws writes the handshake's own
 * (RFC 6455 §4.2.2), and the subprotocol is ws's choice, as it was under @hono/node-server.
 */
const NOT_ON_101 = new Set([
  ...HOP_BY_HOP,
  'content-length',
  'sec-websocket-accept',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
])

export const nodeWebSocketAcceptor: WebSocketAcceptor = {
  // ws refuses a bad handshake only after this handler answered (issue #12).
  checksHandshake: true,
  accept(c: Context, headers: Headers, handler: WsHandler): Response {
    const upgrade = (c.env as Partial<UpgradeEnv> | undefined)?.upgrade
    if (!upgrade) {
      // Not an upgrade the server's listener saw: nothing to complete it on.
      handler.onClose(undefined, '', false)
      return new Response(null, { status: 500 })
    }
    upgrade.taken = true
    const { socket, head, server } = upgrade
    // A client that left while the origin answered the OPEN is never upgraded: the session
    // must still end, or the origin never hears of it and the hub keeps its slot.
    if (socket.destroyed || !socket.readable || !socket.writable) {
      socket.destroy()
      handler.onClose(undefined, '', false)
      return new Response(null, { status: 200 })
    }
    let opened = false
    // ws drops a socket that is no longer writable, or aborts a handshake it refuses, without
    // calling back: either way the socket closes.
    const leftBeforeOpen = () => {
      if (!opened) handler.onClose(undefined, '', false)
    }
    socket.once('close', leftBeforeOpen)
    const addFields = (lines: string[]) => {
      headers.forEach((value, name) => {
        if (!NOT_ON_101.has(name)) lines.push(`${name}: ${value}`)
      })
    }
    // handleUpgrade writes the 101 synchronously; the listener is gone before any other's.
    server.on('headers', addFields)
    try {
      server.handleUpgrade(c.env.incoming, socket, head, (ws) => {
        opened = true
        socket.off('close', leftBeforeOpen)
        socket.off('error', ignoreError)
        listen(ws, handler)
      })
    } finally {
      server.off('headers', addFields)
    }
    // The 101 is written; this answer only tells the framework the request was handled.
    return new Response(null, { status: 200 })
  },
}

/** Swallows a socket error while the upgrade waits (the 'close' that follows ends it). */
export const ignoreError = (): void => {}

/** What a held socket's listeners need, kept on the `ws` WebSocket itself. */
const STATE = Symbol('gripgate.ws')

interface SocketState {
  handler: WsHandler
  /** ws reports 1005 for a close frame without a code and 1006 when none came at all. */
  closeFrameSeen: boolean
}

type Held = WebSocket & { [STATE]: SocketState }

const stateOf = (ws: WebSocket): SocketState => (ws as Held)[STATE]

/**
 * Wires `ws` to `handler` with listeners shared by every socket (`this` is the WebSocket):
 * one closure each per socket cost five functions and their context.
 */
function listen(ws: WebSocket, handler: WsHandler): void {
  ;(ws as Held)[STATE] = { handler, closeFrameSeen: false }
  ws.on('message', onMessage)
  ws.on('ping', onPing)
  ws.on('pong', onPong)
  ws.on('close', onClose)
  // ws closes the socket itself after an error (a bad frame, a message over maxPayload): the
  // 'close' that follows tells the handler. Without a listener the error would be thrown.
  ws.on('error', ignoreError)
  handler.onOpen(new NodeWsSocket(ws))
}

/** A view, not a copy: ws hands each message a Buffer of its own (unmasked in place). */
const bytes = (data: Buffer): Uint8Array =>
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength)

function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  // ws checked a text message's UTF-8 (1007 otherwise), so its bytes go on as they came.
  stateOf(this).handler.onMessage(bytes(data), isBinary)
}

function onPing(this: WebSocket, data: Buffer): void {
  stateOf(this).handler.onPing(bytes(data))
}

function onPong(this: WebSocket, data: Buffer): void {
  stateOf(this).handler.onPong(bytes(data))
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const state = stateOf(this)
  state.closeFrameSeen = code !== ABNORMAL_CLOSURE
  const known = code === NO_STATUS || code === ABNORMAL_CLOSURE ? undefined : code
  state.handler.onClose(known, reason.toString(), state.closeFrameSeen)
}

const TEXT = { binary: false }
const BINARY = { binary: true }

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
    // A publish sends one message to every subscriber: its whole frame is built once and
    // written to each socket as it is (ws-frames.ts), when ws would write at once anyway.
    const socket = directSocket(this.#ws)
    if (socket) socket.write(frameOf(data))
    else this.#ws.send(data, typeof data === 'string' ? TEXT : BINARY)
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
