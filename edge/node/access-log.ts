/**
 * Node's front door for every request: a request id (the client's `X-Request-Id` when it is
 * sane, else a new one) sent back as a response header and passed on to the gateway and the
 * origin, and one access log line when the response is done (docs/operations.md, "Logs").
 * It runs before the quick-hit path, so cache hits are logged like everything else.
 * @module
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Logger as Pino } from 'pino'

/** The request id header, both ways. */
export const REQUEST_ID = 'x-request-id'

/** An id a client may choose: short, printable, nothing a log or a header could trip on. */
const SANE_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/

/** The client's id when it is sane, else undefined. */
export function saneRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && SANE_ID.test(value) ? value : undefined
}

/**
 * Gives `incoming` its request id: the client's own when sane, else a new one, set on the
 * request (headers and raw headers alike, so web `Headers` built from either see it, and so
 * the origin gets it) and on the response.
 */
export function assignRequestId(incoming: IncomingMessage, outgoing: ServerResponse): string {
  const sent = incoming.headers[REQUEST_ID]
  let id = saneRequestId(sent)
  if (id === undefined) {
    id = randomUUID()
    if (sent === undefined) {
      incoming.headers[REQUEST_ID] = id
      incoming.rawHeaders.push('X-Request-Id', id)
    } else {
      // Replaced in place: the raw headers keep one field per name (quick-hits.ts counts them).
      incoming.headers[REQUEST_ID] = id
      for (let i = 0; i < incoming.rawHeaders.length; i += 2) {
        if (incoming.rawHeaders[i]?.toLowerCase() === REQUEST_ID) incoming.rawHeaders[i + 1] = id
      }
    }
  }
  outgoing.setHeader(REQUEST_ID, id)
  return id
}

/** What the access log needs besides the request and the response. */
export interface AccessLogOptions {
  log: Pino
  /** The origin (config name) a request's route names, if any. */
  originOf(host: string | undefined, path: string): string | undefined
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
  outgoing: ServerResponse
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
    const cache = outgoing.getHeader('x-cache')
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
  outgoing.once('finish', line)
  outgoing.once('close', line)
}
