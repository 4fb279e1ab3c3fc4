/**
 * Node's first check of a request, before quick hits and the framework read it: a request
 * whose target is ambiguous is refused with 400 and its connection closed, as RFC 9112 §3.2
 * asks for a repeated `Host`. node:http's parser already refuses the framing attacks
 * (differing `Content-Length` fields, `Content-Length` with `Transfer-Encoding`) with 400.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { GatewayError } from '../../src/errors.ts'
import { hasRepeatedHost, isListHost } from '../../src/http/host-field.ts'
import { REQUEST_ID } from './access-log.ts'

const DETAIL = 'a request may carry one Host field'

/**
 * Connections a refusal closes. node:http parses pipelined requests as they arrive, so the
 * requests behind a refused one may already be on their way in: nothing more from such a
 * connection is served.
 */
const refusedSockets = new WeakSet<object>()

/** Answers 400 and returns true when `incoming` must not be served; `requestId` goes on the 400. */
export function refuseAmbiguousRequest(
  incoming: IncomingMessage,
  outgoing: ServerResponse,
  requestId?: string
): boolean {
  if (refusedSockets.has(incoming.socket)) return true
  // A list in one field (`Host: a, b`) is as ambiguous as two fields; @hono/node-server
  // cannot build a URL from it either and would answer a bare 400 without a problem body.
  if (!hasRepeatedHost(incoming.rawHeaders) && !isListHost(incoming.headers.host)) return false
  refusedSockets.add(incoming.socket)
  const body = `${JSON.stringify(new GatewayError('BAD_REQUEST', 400, DETAIL).toProblem())}\n`
  outgoing.writeHead(400, {
    ...(requestId && { [REQUEST_ID]: requestId }),
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  })
  outgoing.end(body)
  return true
}

/**
 * The same refusal for a WebSocket upgrade, which node:http hands to the framework without
 * the front door (@hono/node-server closes the socket after a refused upgrade).
 */
export function refusedUpgrade(incoming: IncomingMessage): Response | undefined {
  if (!hasRepeatedHost(incoming.rawHeaders) && !isListHost(incoming.headers.host)) return undefined
  return new GatewayError('BAD_REQUEST', 400, DETAIL, {
    headers: { connection: 'close' },
  }).getResponse()
}
