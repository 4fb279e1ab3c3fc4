/**
 * The `Origin` seam on Node, over `node:http`. Not `fetch`: undici's fetch decodes
 * content codings and forbids setting Host, and a proxy must forward bytes as they are.
 * @module
 */

import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { pipeline, Readable, Transform } from 'node:stream'
import type { OriginConfig } from '../../src/config/types.ts'
import { isReasonPhrase } from '../../src/grip/reason-phrase.ts'
import { wholeBodyResponse } from '../../src/http/whole-body.ts'
import { type Origin, OriginTimeoutError, OriginUnreachableError } from '../../src/platform.ts'

/** Statuses whose responses never have a body (RFC 9110 §6.4.1). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])

/**
 * Passes a body through, failing when it is longer or shorter than the `Content-Length` it
 * is sent with: extra bytes would be read by the origin as another request. node:http's own
 * `strictContentLength` throws from `write`, which inside a pipe would end the process.
 */
function exactLength(declared: string | undefined): Transform {
  const expected = declared === undefined ? undefined : Number(declared)
  let seen = 0
  const mismatch = () => new Error(`request body does not match Content-Length ${declared}`)
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.byteLength
      if (expected !== undefined && seen > expected) callback(mismatch())
      else callback(null, chunk)
    },
    flush(callback) {
      callback(expected !== undefined && seen !== expected ? mismatch() : null)
    },
  })
}

/**
 * Largest body taken whole when it arrived with its head: a GRIP instruction or a small
 * answer. Anything larger, or still arriving, streams.
 */
const WHOLE_BODY_LIMIT = 64 * 1024

/**
 * The body of `incoming` when it has arrived whole and is small (a copy: Node's chunks are
 * views of its socket buffers), undefined when it must stream. Taking it lets the response
 * end, so the connection goes back to the pool.
 */
function wholeBody(incoming: IncomingMessage): Uint8Array<ArrayBuffer> | undefined {
  if (!incoming.complete || incoming.destroyed || incoming.readableLength > WHOLE_BODY_LIMIT)
    return undefined
  const buffered = incoming.read() as Buffer | null
  incoming.resume()
  return buffered ? new Uint8Array(buffered) : new Uint8Array(0)
}

/** Keep-alive connection pools to the origins. */
export class NodeOrigin implements Origin {
  readonly #httpAgent = new http.Agent({ keepAlive: true, maxSockets: 512 })
  readonly #httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 512 })

  fetch(request: Request, origin: OriginConfig): Promise<Response> {
    const url = new URL(request.url)
    const secure = url.protocol === 'https:'
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      headers[name] = value
    })
    // Never announce a body that is not sent (request smuggling: the origin would read the
    // next request on this pooled connection as the body); node:http frames what it sends.
    delete headers['transfer-encoding']
    if (!request.body) delete headers['content-length']
    return new Promise<Response>((resolve, reject) => {
      let timedOut = false
      const outgoing = (secure ? https : http).request({
        host: url.hostname,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers,
        agent: secure ? this.#httpsAgent : this.#httpAgent,
        servername: origin.hostHeader,
      })
      const timer = setTimeout(() => {
        timedOut = true
        outgoing.destroy()
      }, origin.timeoutMs)

      outgoing.on('response', (incoming) => {
        clearTimeout(timer)
        const status = incoming.statusCode ?? 502
        if (status < 200 || status > 599) {
          incoming.destroy()
          reject(new OriginUnreachableError(`origin answered with invalid status ${status}`))
          return
        }
        const responseHeaders = new Headers()
        const raw = incoming.rawHeaders
        for (let i = 0; i + 1 < raw.length; i += 2) responseHeaders.append(raw[i]!, raw[i + 1]!)
        // llhttp passes control characters in a reason that Response refuses: such a
        // reason is dropped rather than failing the request (found by the fuzz, #12).
        const reason = incoming.statusMessage ?? ''
        const statusText = isReasonPhrase(reason) ? reason : ''
        const init = { status, statusText, headers: responseHeaders }
        if (request.method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
          incoming.resume()
          resolve(new Response(null, init))
          return
        }
        // The head is parsed in the middle of its packet: by the next tick the rest of the
        // packet is parsed too, so a small body sent with its head is whole by then.
        process.nextTick(() => {
          const bytes = wholeBody(incoming)
          resolve(
            bytes
              ? wholeBodyResponse(status, responseHeaders, { bytes, statusText })
              : new Response(Readable.toWeb(incoming) as ReadableStream<Uint8Array>, init)
          )
        })
      })
      outgoing.on('error', (error) => {
        clearTimeout(timer)
        if (timedOut) {
          reject(
            new OriginTimeoutError(
              `origin ${origin.url} did not answer within ${origin.timeoutMs} ms`
            )
          )
        } else {
          reject(
            new OriginUnreachableError(`origin ${origin.url} unreachable: ${error.message}`, {
              cause: error,
            })
          )
        }
      })

      if (request.body) {
        pipeline(
          Readable.fromWeb(request.body as import('node:stream/web').ReadableStream),
          exactLength(headers['content-length']),
          outgoing,
          (error) => {
            if (error) outgoing.destroy(error)
          }
        )
      } else outgoing.end()
    })
  }

  /** Closes pooled connections. */
  close(): void {
    this.#httpAgent.destroy()
    this.#httpsAgent.destroy()
  }
}
