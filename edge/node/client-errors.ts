/**
 * Requests node:http's parser refuses before any handler sees them (differing
 * `Content-Length` fields, `Content-Length` with `Transfer-Encoding`, a bad chunk, a head
 * over `maxHeaderSize`): answered as the gateway answers every error, with a problem
 * document, instead of node's bare `400 Bad Request`; then the connection is closed, since
 * its framing can no longer be trusted (RFC 9112 §11.2).
 * @module
 */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { type ErrorCode, GatewayError } from '../../src/errors.ts'
import type { Logger } from '../../src/platform.ts'

/** A parser error as node reports it (`HPE_*` codes from llhttp). */
interface ParserError extends Error {
  code?: string
}

/** What to answer for a parser error code. */
export interface ClientErrorAnswer {
  code: ErrorCode
  status: number
  reason: string
  detail: string
}

/** The answer for a parser error code (llhttp's `HPE_*`, or node's request timeout). */
export function describeClientError(code: string | undefined): ClientErrorAnswer {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      code: 'HEADERS_TOO_LARGE',
      status: 431,
      reason: 'Request Header Fields Too Large',
      detail: 'the request head is larger than the gateway accepts',
    }
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return {
      code: 'REQUEST_TIMEOUT',
      status: 408,
      reason: 'Request Timeout',
      detail: "the request was not complete within the server's request timeout",
    }
  }
  const detail =
    code === 'HPE_UNEXPECTED_CONTENT_LENGTH'
      ? 'Content-Length and Transfer-Encoding may not both be sent'
      : code === 'HPE_INVALID_TRANSFER_ENCODING' || code === 'HPE_INVALID_CONTENT_LENGTH'
        ? 'the request body framing is invalid'
        : 'the request is not valid HTTP/1.1'
  return { code: 'BAD_REQUEST', status: 400, reason: 'Bad Request', detail }
}

/** The raw bytes of a problem answer that closes the connection. */
export function clientErrorAnswer(parserCode: string | undefined): string {
  const { code, status, reason, detail } = describeClientError(parserCode)
  const body = `${JSON.stringify(new GatewayError(code, status, detail).toProblem())}\n`
  return (
    `HTTP/1.1 ${status} ${reason}\r\n` +
    'Content-Type: application/problem+json\r\n' +
    'Cache-Control: no-store\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' +
    body
  )
}

/** Replaces node's default `clientError` answer on `server`. */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: ParserError, socket: Socket) => {
    // A reset or a timeout has nobody left to answer; node destroys such sockets itself
    // when no listener is installed, so do the same.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy()
      return
    }
    logger.debug('request refused by the HTTP parser', { code: error.code })
    // A request whose answer has started cannot be given a second one.
    const started = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (started?.headersSent) {
      socket.destroy()
      return
    }
    socket.end(clientErrorAnswer(error.code))
  })
}
