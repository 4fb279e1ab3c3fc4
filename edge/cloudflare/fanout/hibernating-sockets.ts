/**
 * A holder's client WebSockets on the Hibernation API: accepted with
 * `ctx.acceptWebSocket` (never `server.accept()`, which would pin the object in memory), so
 * an idle socket costs nothing. Each socket carries its session's state as its attachment
 * (`serializeAttachment`, at most 16 KiB in workerd 2026-04-26); after a hibernation the
 * sessions are rebuilt from the attachments before any event is handled.
 * @module
 */
import { Hono } from 'hono'
import type { SendToOrigin } from '../../../src/fanout.ts'
import { utf8 } from '../../../src/grip/bytes.ts'
import { CLOSE_CODES } from '../../../src/grip/ws-close.ts'
import type { Hub } from '../../../src/hub/hub.ts'
import { WohExchange, type WohTarget, wohTarget } from '../../../src/hub/woh-exchange.ts'
import { proxyWebSocket } from '../../../src/hub/ws-proxy.ts'
import { WsSession, type WsSessionSnapshot } from '../../../src/hub/ws-session.ts'
import type { Logger } from '../../../src/platform.ts'
import type { WebSocketAcceptor } from '../../../src/ws-socket.ts'
import { errorResponse } from './error-response.ts'
import { workerdSocket } from './workerd-socket.ts'

/** The part of `DurableObjectState` that holds hibernatable sockets. */
export type SocketHost = Pick<DurableObjectState, 'acceptWebSocket' | 'getWebSockets' | 'getTags'>

/**
 * What a socket's attachment holds (version 1): where its WebSocket-over-HTTP requests go
 * (the WOH `Connection-Id` is also the socket's hibernation tag) and its session's state.
 */
interface SocketAttachment extends WohTarget {
  v: 1
  session: WsSessionSnapshot
}

interface Held {
  ws: WebSocket
  target: WohTarget
  session: WsSession
}

/** The sockets of one holder. */
export class HibernatingSockets {
  readonly #host: SocketHost
  readonly #hub: Hub
  readonly #send: SendToOrigin
  readonly #logger: Logger
  readonly #held = new Map<string, Held>()
  readonly #dirty = new Set<string>()
  readonly #app = new Hono()

  /** `beforeRestore` hears each channel a rebuilt session was subscribed to. */
  constructor(
    host: SocketHost,
    hub: Hub,
    send: SendToOrigin,
    logger: Logger,
    beforeRestore: (channel: string) => void
  ) {
    this.#host = host
    this.#hub = hub
    this.#send = send
    this.#logger = logger
    this.#app.all('*', (c) => {
      const target = wohTarget(c.req.raw)
      return proxyWebSocket(c, send, hub, this.#acceptor(target), target)
    })
    this.#app.onError((error) => errorResponse(error, logger))
    for (const ws of host.getWebSockets()) this.#restore(ws, beforeRestore)
  }

  /** Runs a client upgrade through the origin (WebSocket-over-HTTP), as ws-proxy.ts does. */
  upgrade(request: Request): Promise<Response> {
    return Promise.resolve(this.#app.fetch(request))
  }

  /**
   * A client message, within `limits.wsMessageBytes`: a larger one closes the socket with 1009,
   * as `ws` does on Node. workerd has its own cap on what it receives (1 MiB by default; it
   * closes with 1009 too), so a limit above it changes nothing here.
   */
  message(ws: WebSocket, data: string | ArrayBuffer): void {
    const held = this.#find(ws)
    if (!held) return
    const bytes = typeof data === 'string' ? utf8(data) : new Uint8Array(data)
    const limit = this.#hub.limits.wsMessageBytes
    if (bytes.byteLength > limit) {
      this.#logger.warn('websocket message over the size limit; closing', {
        bytes: bytes.byteLength,
        limit,
      })
      workerdSocket(ws).close(CLOSE_CODES.messageTooBig, 'message too big')
      return
    }
    held.session.onMessage(bytes, typeof data !== 'string')
  }

  /** The client closed (`clean`) or vanished; `code` 1005/1006 mean "no code". */
  closed(ws: WebSocket, code: number | undefined, reason: string, clean: boolean): void {
    const held = this.#find(ws)
    if (!held) return
    this.#held.delete(held.target.id)
    const sent = code === undefined || code === 1005 || code === 1006 ? undefined : code
    held.session.onClose(sent, reason, clean)
  }

  /** Sockets this holder serves. */
  get size(): number {
    return this.#held.size
  }

  /** Accepts the upgrade of a socket whose requests go to `target`. */
  #acceptor(target: WohTarget): WebSocketAcceptor {
    return {
      accept: (_c, headers, handler) => {
        if (!(handler instanceof WsSession)) throw new Error('an upgrade must carry a WsSession')
        const pair = new WebSocketPair()
        const [client, server] = [pair[0], pair[1]]
        this.#host.acceptWebSocket(server, [target.id])
        this.#track({ ws: server, target, session: handler })
        handler.onOpen(workerdSocket(server))
        return new Response(null, { status: 101, webSocket: client, headers })
      },
    }
  }

  #restore(ws: WebSocket, beforeRestore: (channel: string) => void): void {
    const attachment = ws.deserializeAttachment() as SocketAttachment | null
    if (attachment?.v !== 1) {
      // Accepted but never saved (its state did not fit): it cannot be served any more.
      workerdSocket(ws).close(CLOSE_CODES.internalError, 'gateway lost the connection state')
      return
    }
    const { v: _v, session: snapshot, ...target } = attachment
    for (const channel of snapshot.channels) beforeRestore(channel)
    const exchange = WohExchange.to(target, this.#send)
    const session = WsSession.restore(this.#hub, exchange, workerdSocket(ws), snapshot)
    this.#track({ ws, target, session })
  }

  #track(held: Held): void {
    this.#held.set(held.target.id, held)
    held.session.observe(() => this.#changed(held.target.id))
    this.#save(held)
  }

  #find(ws: WebSocket): Held | undefined {
    const id = this.#host.getTags(ws)[0]
    return id === undefined ? undefined : this.#held.get(id)
  }

  /** Saves at most once per turn, however many changes one origin answer made. */
  #changed(id: string): void {
    if (this.#dirty.size === 0) queueMicrotask(() => this.#flush())
    this.#dirty.add(id)
  }

  #flush(): void {
    for (const id of this.#dirty) {
      const held = this.#held.get(id)
      if (held) this.#save(held)
    }
    this.#dirty.clear()
  }

  #save(held: Held): void {
    const attachment: SocketAttachment = { v: 1, ...held.target, session: held.session.snapshot() }
    try {
      held.ws.serializeAttachment(attachment)
    } catch (error) {
      // Over 16 KiB (huge handshake headers or meta): served until the object hibernates,
      // then closed, rather than woken with an older state.
      this.#logger.warn('socket state cannot survive hibernation', { error: String(error) })
      held.ws.serializeAttachment(null)
    }
  }
}
