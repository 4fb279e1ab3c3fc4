/**
 * A client WebSocket served through WebSocket-over-HTTP (GRIP.md §7.2-7.5): socket events
 * become batched POSTs to the origin, one in flight at a time; the origin's answers become
 * messages, control commands (subscribe, keep-alive, …) and closes; publishes of
 * `ws-message` reach the socket.
 * @module
 */
import type { PublishItem } from '../grip/publish-item.ts'
import {
  CLOSE_CODES,
  CONTROL_PAYLOAD_MAX,
  closeReason,
  isSendableCloseCode,
} from '../grip/ws-close.ts'
import type { WsControl } from '../grip/ws-control.ts'
import {
  closeEventContent,
  encodeWsEvents,
  parseCloseContent,
  type WsEvent,
} from '../grip/ws-events.ts'
import { doNothing } from '../timers.ts'
import type { WsHandler, WsSocket } from '../ws-socket.ts'
import type { Hub } from './hub.ts'
import { ResumeWait } from './resume-wait.ts'
import type { Subscriber } from './subscriber.ts'
import { textOf } from './text-cache.ts'
import type { OriginReply, WohExchange } from './woh-exchange.ts'

/** An origin answer that accepted the exchange. */
type AcceptedReply = Extract<OriginReply, { ok: true }>

import { type KeepAliveSnapshot, WsKeepAlive } from './ws-keep-alive.ts'

/**
 * What a session needs to carry on after its host slept and lost its memory (a hibernated
 * Durable Object): taken between origin requests, when nothing is queued or in flight.
 */
export interface WsSessionSnapshot {
  channels: string[]
  detached: boolean
  originClosed: boolean
  /** GRIP processing of origin messages and its message prefix (WohExchange.grip). */
  grip: { enabled: boolean; prefix: string }
  /** Connection meta set by the origin, sent back as `Meta-*`. */
  meta: Record<string, string>
  /** The origin's `Keep-Alive-Interval`, when it asked for polls. */
  keepAliveIntervalSec?: number
  /** When the next keep-alive poll to the origin is due (ms since the epoch). */
  pollAt?: number
  /** The client keep-alive set by a `keep-alive` control message. */
  keepAlive?: KeepAliveSnapshot
}

/**
 * What one queued event costs beyond its content (its line in the WOH body, GRIP.md §7.1), so
 * a flood of empty pings is bounded by `limits.wsQueueBytes` too.
 */
const EVENT_OVERHEAD_BYTES = 16

/** One client socket and its conversation with the origin. */
export class WsSession implements Subscriber, WsHandler {
  readonly transport = 'websocket' as const
  readonly #hub: Hub
  readonly #exchange: WohExchange
  readonly #channels = new Set<string>()
  /** Channels being resumed from history: live items wait here meanwhile (issue #15). */
  readonly #resuming = new ResumeWait()
  /** Made by the first keep-alive control message: most sockets never get one. */
  #keepAlive: WsKeepAlive | undefined
  #socket: WsSocket | undefined
  #queue: WsEvent[] = []
  /** What `#queue` holds of client input, as counted against `limits.wsQueueBytes`. */
  #queuedBytes = 0
  /** Set once the client's input went over a bound: it is closing, nothing more is taken. */
  #inputClosed = false
  /** Set once the client was dropped for reading too slowly. */
  #dropped = false
  #inFlight = false
  #pendingReply: AcceptedReply | undefined
  #detached = false
  #clientGone = false
  #originClosed = false
  #finished = false
  #cancelPoll: () => void = doNothing
  #pollAt: number | undefined
  #onChange: () => void = doNothing

  constructor(hub: Hub, exchange: WohExchange, openReply: AcceptedReply) {
    this.#hub = hub
    this.#exchange = exchange
    this.#pendingReply = openReply
  }

  /** The keep-alive, made on first use. */
  #keepAliveMade(): WsKeepAlive {
    this.#keepAlive ??= new WsKeepAlive(
      this.#hub.clock,
      (message) => this.#sendToClient(message.type, message.content),
      () => this.#onChange()
    )
    return this.#keepAlive
  }

  /**
   * Rebuilds a session from `snapshot` around a socket that stayed open while its host
   * slept: channels, flags, meta and timers as they were, without a new OPEN.
   */
  static restore(
    hub: Hub,
    exchange: WohExchange,
    socket: WsSocket,
    snapshot: WsSessionSnapshot
  ): WsSession {
    exchange.grip = { ...snapshot.grip }
    exchange.keepAliveIntervalSec = snapshot.keepAliveIntervalSec
    exchange.updateMeta(Object.entries(snapshot.meta).map(([name, value]) => ({ name, value })))
    const session = new WsSession(hub, exchange, {
      ok: true,
      actions: [],
      setMeta: [],
      keepAliveIntervalSec: undefined,
    })
    session.#pendingReply = undefined
    session.#socket = socket
    session.#detached = snapshot.detached
    session.#originClosed = snapshot.originClosed
    hub.restoreConnection('websocket')
    hub.track(session)
    for (const channel of snapshot.channels) {
      session.#channels.add(channel)
      hub.subscribe(channel, session)
    }
    if (snapshot.keepAlive) session.#keepAliveMade().restore(snapshot.keepAlive)
    session.#schedulePoll(snapshot.pollAt)
    return session
  }

  /** The session's state as plain data (see `WsSessionSnapshot`). */
  snapshot(): WsSessionSnapshot {
    const snapshot: WsSessionSnapshot = {
      channels: [...this.#channels],
      detached: this.#detached,
      originClosed: this.#originClosed,
      grip: { ...this.#exchange.grip },
      meta: { ...this.#exchange.meta },
    }
    const interval = this.#exchange.keepAliveIntervalSec
    if (interval !== undefined) snapshot.keepAliveIntervalSec = interval
    if (this.#pollAt !== undefined) snapshot.pollAt = this.#pollAt
    const keepAlive = this.#keepAlive?.snapshot()
    if (keepAlive) snapshot.keepAlive = keepAlive
    return snapshot
  }

  /** Calls `listener` whenever `snapshot()` may have changed (one listener; the last wins). */
  observe(listener: () => void): void {
    this.#onChange = listener
  }

  onOpen(socket: WsSocket): void {
    this.#socket = socket
    this.#hub.track(this)
    const reply = this.#pendingReply
    this.#pendingReply = undefined
    if (reply) this.#apply(reply)
    this.#schedulePoll()
    // The OPEN answer may have queued something already (a `detach` queues the CLOSE).
    this.#pump(false)
  }

  /** Closes the socket with 1001 Going Away (RFC 6455 §7.4.1). */
  shutdown(): void {
    this.#socket?.close(CLOSE_CODES.goingAway, 'gateway shutting down')
  }

  onMessage(data: Uint8Array, binary: boolean): void {
    if (this.#detached || this.#clientGone) return
    this.#takeInput({ type: binary ? 'BINARY' : 'TEXT', content: data })
  }

  /**
   * Answers the ping (RFC 6455 §5.5.2; `ws` does it only while fewer than 60 of its pongs
   * wait to be written, and drops the connection silently past that), through the
   * slow-subscriber bound like any other frame, and passes it on to the origin.
   */
  onPing(data: Uint8Array): void {
    this.#sendToClient('pong', data)
    if (!this.#detached)
      this.#takeInput({ type: 'PING', content: data.byteLength > 0 ? data : undefined })
  }

  onPong(data: Uint8Array): void {
    if (!this.#detached)
      this.#takeInput({ type: 'PONG', content: data.byteLength > 0 ? data : undefined })
  }

  onClose(code: number | undefined, reason: string, clean: boolean): void {
    if (this.#clientGone) return
    this.#clientGone = true
    this.#leaveChannels()
    if (!this.#originClosed && !this.#detached) {
      this.#enqueue(
        clean ? { type: 'CLOSE', content: closeEventContent(code, reason) } : { type: 'DISCONNECT' }
      )
    }
    this.#finishIfIdle()
  }

  deliver(item: PublishItem, channel: string): void {
    const format = item.formats['ws-message']
    if (!format || this.#clientGone || !this.#socket) return
    if (this.#resuming.keep(item, channel)) return
    if (format.action === 'close') this.#closeClient(format.code, format.reason)
    else if (format.action === 'refresh') this.#pump(true)
    else {
      this.#keepAlive?.touch()
      this.#sendToClient(format.type, format.content)
    }
  }

  #sendToClient(type: 'text' | 'binary' | 'ping' | 'pong', content: Uint8Array): void {
    const socket = this.#socket
    if (!socket || this.#clientGone || this.#dropped) return
    if (type === 'text') socket.send(textOf(content))
    else if (type === 'binary') socket.send(content)
    else if (type === 'ping') socket.ping(content.subarray(0, CONTROL_PAYLOAD_MAX))
    else socket.pong(content.subarray(0, CONTROL_PAYLOAD_MAX))
    if (socket.bufferedAmount > this.#hub.limits.subscriberQueueBytes) {
      // The client cannot keep up: drop it rather than buffer without bound. Not a close
      // frame: it would wait behind the backlog, and the socket with it (issue #12).
      this.#dropped = true
      this.#hub.countDrop()
      this.#hub.logger.warn('slow subscriber dropped', {
        transport: 'websocket',
        buffered: socket.bufferedAmount,
      })
      socket.terminate()
    }
  }

  /**
   * Queues client input for the origin within `limits.wsQueueBytes`: input piles up only while
   * a request is in flight, and a client that sends faster than the origin answers is closed
   * with 1008 rather than held without bound. One event always fits an empty queue (a message
   * is bounded by `limits.wsMessageBytes` already).
   */
  #takeInput(event: WsEvent): void {
    if (this.#inputClosed) return
    const bytes = EVENT_OVERHEAD_BYTES + (event.content?.byteLength ?? 0)
    if (this.#queue.length > 0 && this.#queuedBytes + bytes > this.#hub.limits.wsQueueBytes) {
      this.#inputClosed = true
      this.#hub.logger.warn('websocket input over the queue limit; closing', {
        queued: this.#queuedBytes,
        limit: this.#hub.limits.wsQueueBytes,
      })
      this.#socket?.close(CLOSE_CODES.policyViolation, 'input queue full')
      return
    }
    this.#queuedBytes += bytes
    this.#enqueue(event)
  }

  #enqueue(event: WsEvent): void {
    this.#queue.push(event)
    this.#pump(false)
  }

  /** Sends queued events (or an empty keep-alive/refresh request when `force`). */
  #pump(force: boolean): void {
    if (this.#inFlight || this.#finished || (this.#queue.length === 0 && !force)) return
    this.#inFlight = true
    this.#cancelPoll()
    const events = this.#queue.splice(0)
    this.#queuedBytes = 0
    const body = events.length > 0 ? encodeWsEvents(events) : new Uint8Array(0)
    this.#exchange
      .post(body)
      .then((response) => this.#exchange.read(response))
      .then(
        (reply) => {
          this.#inFlight = false
          if (!reply.ok) return this.#fail(reply.reason)
          this.#apply(reply)
          this.#schedulePoll()
          this.#pump(false)
          this.#finishIfIdle()
        },
        (error: unknown) => {
          this.#inFlight = false
          this.#fail(`origin request failed: ${String(error)}`)
        }
      )
      // Whatever the origin answered, a throw here must end this socket, not the process.
      .catch((error: unknown) => this.#fail(`origin answer failed: ${String(error)}`))
  }

  /** Acts on what the origin answered (GRIP.md §7.2, §7.4). */
  #apply(reply: AcceptedReply): void {
    this.#exchange.updateMeta(reply.setMeta)
    if (reply.keepAliveIntervalSec !== undefined)
      this.#exchange.keepAliveIntervalSec = reply.keepAliveIntervalSec
    for (const action of reply.actions) {
      const socket = this.#socket
      if (!socket) return
      switch (action.kind) {
        case 'message':
          this.#keepAlive?.touch()
          this.#sendToClient(action.type, action.content)
          break
        case 'ping':
          socket.ping(action.content.subarray(0, CONTROL_PAYLOAD_MAX))
          break
        case 'pong':
          socket.pong(action.content.subarray(0, CONTROL_PAYLOAD_MAX))
          break
        case 'close': {
          // Not #originClosed: the client's answering close still goes to the origin as
          // another CLOSE, as Pushpin does (GRIP.md §7.3).
          const { code, reason } = parseCloseContent(action.content)
          this.#closeClient(code, reason)
          break
        }
        case 'disconnect':
          this.#originClosed = true
          socket.terminate()
          break
        case 'control':
          this.#control(action.control)
          break
      }
    }
    this.#onChange()
  }

  #control(control: WsControl): void {
    switch (control.type) {
      case 'subscribe':
        if (
          this.#channels.size < this.#hub.limits.subscriptionsPerConnection &&
          !this.#clientGone
        ) {
          this.#channels.add(control.channel)
          this.#hub.subscribe(control.channel, this)
          const prevId = control.prevId
          if (
            prevId !== undefined &&
            this.#hub.hasHistory &&
            this.#hub.lastId(control.channel) !== prevId
          )
            this.#resume(control.channel, prevId)
        }
        break
      case 'unsubscribe':
        this.#resuming.cancel(control.channel)
        this.#channels.delete(control.channel)
        this.#hub.unsubscribe(control.channel, this)
        break
      case 'detach':
        // One-way from now on: the origin is told the client left, client messages are dropped.
        this.#detached = true
        this.#queue = [{ type: 'CLOSE' }]
        this.#queuedBytes = 0
        break
      case 'keep-alive':
        this.#keepAliveMade().configure(control)
        break
      case 'set-meta':
        break
    }
  }

  /**
   * Sends the items after `from` on `channel` from the history, then the live items that
   * arrived meanwhile and were not among them. An id the history does not know resumes
   * nothing: a WebSocket has no recovery link (the origin can send what was missed itself).
   */
  #resume(channel: string, from: string): void {
    const token = this.#resuming.start(channel)
    void this.#hub.historyAfter(channel, from).then((found) => {
      const history = found === 'unknown' ? [] : found
      const live = this.#resuming.finish(channel, token, history)
      if (!live) return
      // A refresh asked the origin for something back then; it is not replayed.
      const replayed = history.filter((item) => item.formats['ws-message']?.action !== 'refresh')
      for (const item of replayed) this.deliver(item, channel)
      if (replayed.length > 0) this.#hub.countResume(replayed.length)
      for (const item of live) this.deliver(item, channel)
    })
  }

  /** WOH keep-alive polls: an empty request when the origin asked for them and none went out. */
  #schedulePoll(at?: number): void {
    this.#cancelPoll()
    this.#pollAt = undefined
    const seconds = this.#exchange.keepAliveIntervalSec
    if (seconds === undefined || this.#finished) return
    const now = this.#hub.clock.now()
    this.#pollAt = at ?? now + seconds * 1000
    this.#cancelPoll = this.#hub.clock.schedule(Math.max(0, this.#pollAt - now), () =>
      this.#pump(true)
    )
    this.#onChange()
  }

  #fail(reason: string): void {
    this.#hub.logger.warn('websocket origin failure', { reason })
    this.#originClosed = true
    // The reason may name the origin's address: it is logged above, the client learns nothing.
    if (!this.#clientGone) this.#closeClient(CLOSE_CODES.internalError, 'origin failure')
    this.#queue = []
    this.#finishIfIdle(true)
  }

  /** Closes the client socket with a code and reason a close frame can carry. */
  #closeClient(code: number | undefined, reason = ''): void {
    if (code === undefined || !isSendableCloseCode(code)) this.#socket?.close()
    else this.#socket?.close(code, closeReason(reason))
  }

  #leaveChannels(): void {
    this.#resuming.clear()
    for (const channel of this.#channels) this.#hub.unsubscribe(channel, this)
    this.#channels.clear()
    this.#keepAlive?.stop()
  }

  /** Frees the connection once the client is gone and nothing is left to tell the origin. */
  #finishIfIdle(force = false): void {
    if (this.#finished || (this.#inFlight && !force)) return
    if (!force && !(this.#clientGone && this.#queue.length === 0)) return
    this.#finished = true
    this.#cancelPoll()
    this.#leaveChannels()
    this.#hub.closeConnection('websocket')
    this.#hub.untrack(this)
  }
}
