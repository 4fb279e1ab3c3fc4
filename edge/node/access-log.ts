/**
 * Node's front door for every request: a request id (the client's `X-Request-Id` when it is
 * sane, else a new one) sent back as a response header and passed on to the gateway and the
 * origin, and one access log line when the response is done (docs/operations.md, "Logs").
 * It runs before the quick-hit path, so cache hits are logged like everything else.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger as Pino } from 'pino'

/** The request id header, both ways. */
export const REQUEST_ID = 'x-request-id'

/** An id a client may choose: short, printable, nothing a log or a header could trip on. */
const SANE_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/

/**
 * New ids: a random prefix per process and a counter, unique across processes and restarts
 * without a random draw per request (a cache hit costs microseconds; issue #17 measured it).
 */
const PREFIX = `${randomBytes(6).toString('hex')}-`
let counter = 0

/** A new request id. */
export function newRequestId(): string {
  counter += 1
  return `${PREFIX}${counter.toString(36)}`
}

/** The client's id when it is sane, else undefined. */
export function saneRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && SANE_ID.test(value) ? value : undefined
}

/** The request id of `incoming`: the client's own when sane, else a new one. */
export function requestIdOf(incoming: IncomingMessage): string {
  return saneRequestId(incoming.headers[REQUEST_ID]) ?? newRequestId()
}

/**
 * Sets `id` on the request, when it is not the client's own already (headers and raw headers
 * alike, so web `Headers` built from either see it, and the origin gets it). Only for requests
 * that go on to the gateway: a quick hit needs it on its response only.
 */
export function setRequestId(incoming: IncomingMessage, id: string): void {
  const sent = incoming.headers[REQUEST_ID]
  if (sent === id) return
  incoming.headers[REQUEST_ID] = id
  if (sent === undefined) {
    incoming.rawHeaders.push('X-Request-Id', id)
    return
  }
  // Replaced in place: the raw headers keep one field per name.
  for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
    if (incoming.rawHeaders[i]?.toLowerCase() === REQUEST_ID) incoming.rawHeaders[i + 1] = id
  }
}

/** What the access log needs besides the request and the response. */
export interface AccessLogOptions {
  log: Pino
  /** The origin (config name) a request's route names, if any. */
  originOf(host: string | undefined, path: string): string | undefined
}

/** What the front door learnt of a request that the response head does not keep. */
export interface AccessNote {
  /** The cache result when known before the head (a quick hit), else read from `X-Cache`. */
  cache?: string
}

/** The note of each response the access log follows, for heads written outside Node's API. */
const notes = new WeakMap<ServerResponse, AccessNote>()

/**
 * Tells the access log the cache result of a head written with `writeHead` fields only: Node
 * keeps no fields it can read back then (a held stream's head; socket-stream.ts).
 */
export function noteHeadCache(
  outgoing: ServerResponse,
  xCache: string | string[] | undefined
): void {
  const note = notes.get(outgoing)
  if (note && note.cache === undefined && typeof xCache === 'string') note.cache = xCache
}

/**
 * The request id as the response's field, unless the answer brought its own: set once the
 * answer is known, not before the gateway runs, so a held stream's head, written with
 * `writeHead` fields only, leaves Node nothing of its fields to keep (issue #18, the SSE heap
 * diff: `setHeader` made Node keep every field of the head, ~0.8 KiB per held connection).
 */
export function answerWithRequestId(outgoing: ServerResponse): void {
  if (outgoing.headersSent || outgoing.hasHeader(REQUEST_ID)) return
  const id = outgoing.req.headers[REQUEST_ID]
  if (typeof id === 'string') outgoing.setHeader(REQUEST_ID, id)
}

/**
 * Logs one line for `incoming` when its response finishes, or when the client goes first:
 * method, path, status, cache result (`X-Cache`), origin, milliseconds, bytes written (the
 * head included), request id.
 */
export function logAccess(
  options: AccessLogOptions,
  id: string,
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  note: AccessNote
): void {
  const started = performance.now()
  const socket = incoming.socket
  const before = socket.bytesWritten
  let done = false
  const line = () => {
    if (done) return
    done = true
    const target = incoming.url ?? ''
    const query = target.indexOf('?')
    const path = query === -1 ? target : target.slice(0, query)
    const cache = note.cache ?? outgoing.getHeader('x-cache')
    options.log.info(
      {
        method: incoming.method,
        path,
        status: outgoing.headersSent ? outgoing.statusCode : 0,
        cache: typeof cache === 'string' ? cache : undefined,
        origin: options.originOf(incoming.headers.host, path),
        ms: Math.round((performance.now() - started) * 100) / 100,
        bytes: socket.bytesWritten - before,
        id,
        ...(outgoing.writableFinished ? {} : { aborted: true }),
      },
      'request'
    )
  }
  notes.set(outgoing, note)
  outgoing.once('finish', line)
  outgoing.once('close', line)
}
