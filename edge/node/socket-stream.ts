/**
 * Held streams written straight to Node's sockets (the `HeldStreamOpener` seam). The
 * response head goes out through `ServerResponse` (so Node keeps its HTTP/1.1 state right:
 * chunked framing, keep-alive, the terminating chunk); each body chunk is framed once per
 * published item and handed to `socket.write` once per subscriber. Compared with returning
 * a web ReadableStream to @hono/node-server, this drops a stream, a reader promise and four
 * buffered writes per subscriber per message (issue #8's profile).
 * @module
 */
import type { ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { HeldHead, HeldStream, HeldStreamOpener, StreamSink } from '../../src/held-stream.ts'
import { noteHeadCache, REQUEST_ID } from './access-log.ts'

const CRLF = Buffer.from('\r\n')

/**
 * Chunked frames by content: one published item's bytes are the same array for every
 * subscriber, so it is framed once and the frame is shared.
 */
const frames = new WeakMap<Uint8Array, Buffer>()

function chunkFrame(bytes: Uint8Array): Buffer {
  let frame = frames.get(bytes)
  if (!frame) {
    frame = Buffer.concat([Buffer.from(`${bytes.byteLength.toString(16)}\r\n`), bytes, CRLF])
    frames.set(bytes, frame)
  }
  return frame
}

/**
 * Writes are batched per turn of the event loop, after the first: a subscriber's first write
 * in a turn goes to the socket at once (one message, no added latency), and when a burst of
 * publishes handled in the same turn writes to it again, the socket is corked and everything
 * after the first goes out in one `writev` when the turn ends (after its I/O callbacks,
 * `setImmediate`).
 */
let turn = 0
let turnEnding = false
const corked: Socket[] = []

function endTurn(): void {
  turn++
  turnEnding = false
  for (const socket of corked) socket.uncork()
  corked.length = 0
}

/** Corks `socket`, unless it is already, until the current turn ends. */
function corkUntilTurnEnds(socket: Socket): void {
  if (socket.writableCorked) return
  thisTurn()
  socket.cork()
  corked.push(socket)
}

/** The current turn, making sure it ends. */
function thisTurn(): number {
  if (!turnEnding) {
    turnEnding = true
    setImmediate(endTurn)
  }
  return turn
}

/** A request's response, and how many 'close' listeners it had when the server bound it. */
interface Bound {
  outgoing: ServerResponse
  closeListeners: number
}

/**
 * Removes @hono/node-server's 'close' listener from a response about to be held.
 * @hono/node-server adds it once the gateway's fetch has returned its promise, so it is the
 * first listener after those there at `bind`; the stream opens later, once the origin
 * answered. It only aborts the client Request's signal (and drains an unread request body),
 * and a held stream uses neither: the session aborts its own origin fetches, and the body
 * was read for replays (a GET has none). Yet it keeps that Request (its Headers and
 * @hono/node-server's request object) for the whole hold: ~0.7 KiB per held connection
 * (issue #18, the SSE heap diff). A stream opened while the fetch still runs (nothing added
 * yet) keeps whatever is there.
 */
function dropFrameworkCloseListener(outgoing: ServerResponse, before: number): void {
  const listener = outgoing.listeners('close')[before]
  if (!listener) return
  const req = outgoing.req
  const bodyDone = req.method === 'GET' || req.method === 'HEAD' || req.readableEnded
  if (bodyDone) outgoing.removeListener('close', listener as (...args: unknown[]) => void)
}

/** Node's opener: knows the `ServerResponse` behind each request the server handed over. */
export class SocketStreamOpener implements HeldStreamOpener {
  readonly #responses = new WeakMap<Request, Bound>()

  /**
   * Remembers `outgoing` as the response to `request` (called by the server per request,
   * before @hono/node-server adds its own listeners).
   */
  bind(request: Request, outgoing: ServerResponse): void {
    this.#responses.set(request, { outgoing, closeListeners: outgoing.listenerCount('close') })
  }

  open(client: Request, head: HeldHead, onAbort: () => void): HeldStream | undefined {
    const bound = this.#responses.get(client)
    const outgoing = bound?.outgoing
    const socket = outgoing?.socket
    if (!bound || !outgoing || !socket || outgoing.headersSent || socket.destroyed) return undefined
    // Opened once per request: the entry is not needed while the stream is held.
    this.#responses.delete(client)
    dropFrameworkCloseListener(outgoing, bound.closeListeners)
    const headers: Record<string, string | string[]> = {}
    for (const [name, value] of head.headers) {
      if (name === 'content-length') continue
      // Headers joins repeated fields; Set-Cookie must stay one line each (RFC 6265 §3).
      headers[name] = name === 'set-cookie' ? head.headers.getSetCookie() : value
    }
    // The head is this turn's first write: corked, so the initial body (and a resume's
    // history) leave with it in one writev when the turn ends, not one write each.
    corkUntilTurnEnds(socket)
    // The front door's request id, unless the answer has its own (access-log.ts
    // answerWithRequestId, which runs after this for a held stream).
    const id = outgoing.req.headers[REQUEST_ID]
    if (typeof id === 'string' && !(REQUEST_ID in headers)) headers[REQUEST_ID] = id
    noteHeadCache(outgoing, headers['x-cache'])
    // Fields given to writeHead only, none set before: Node keeps the head as the one string
    // it sends, not each field as well (issue #18, the SSE heap diff).
    outgoing.writeHead(head.status, head.statusText, headers)
    outgoing.flushHeaders()
    const sink = new SocketSink(outgoing, socket, onAbort)
    // `on`, not `once`: 'close' comes once, and `once` wraps the listener in three more
    // objects kept while the stream is held (issue #18, the SSE heap diff).
    outgoing.on('close', () => sink.closed())
    return { response: RESPONSE_ALREADY_SENT, sink }
  }
}

/**
 * One held response's body, written straight to its socket. A class, not an object of
 * closures: a held connection keeps one object instead of four functions and their context.
 */
class SocketSink implements StreamSink {
  readonly #outgoing: ServerResponse
  readonly #socket: Socket
  #onAbort: () => void
  /** HTTP/1.0 clients get the body delimited by the connection's close instead of chunks. */
  readonly #chunked: boolean
  #open = true
  /** The turn this response was last written in: the head's. */
  #wroteIn = thisTurn()

  constructor(outgoing: ServerResponse, socket: Socket, onAbort: () => void) {
    this.#outgoing = outgoing
    this.#socket = socket
    this.#onAbort = onAbort
    this.#chunked = outgoing.chunkedEncoding
  }

  /** The response closed (the client left, or the stream ended). */
  closed(): void {
    if (!this.#open) return
    this.#open = false
    this.#onAbort()
  }

  write(bytes: Uint8Array): void {
    if (!this.#open || bytes.byteLength === 0) return
    const socket = this.#socket
    const now = thisTurn()
    if (this.#wroteIn === now) corkUntilTurnEnds(socket)
    this.#wroteIn = now
    socket.write(this.#chunked ? chunkFrame(bytes) : bytes)
  }

  buffered(): number {
    return this.#socket.writableLength
  }

  end(): void {
    if (!this.#open) return
    this.#open = false
    this.#outgoing.end()
  }

  destroy(): void {
    if (!this.#open) return
    this.#open = false
    dropSocket(this.#socket)
  }
}

/**
 * Drops `socket` with a TCP reset: the kernel discards what it still holds for the client
 * instead of trickling it out before a FIN, so the client learns at once.
 */
function dropSocket(socket: Socket): void {
  try {
    socket.resetAndDestroy()
  } catch {
    // Not a TCP socket (resetAndDestroy needs one): a plain destroy still frees it.
    socket.destroy()
  }
}
