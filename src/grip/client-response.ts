/**
 * Building the client's response from an instruction's response or a published
 * `http-response` (GRIP.md §3.3, §4.2).
 * @module
 */
import { isHopByHop, splitList } from '../http/headers.ts'
import type { HttpResponseFormat } from './publish-types.ts'
import { isReasonPhrase, reasonPhrase } from './reason-phrase.ts'
import type { InstructResponse } from './types.ts'

/**
 * Whether a header of an origin instruction or a published `http-response` is kept from the
 * client: every `Grip-*` header (GRIP.md §3.2, §4.2), the hop-by-hop fields (RFC 9110
 * §7.6.1), and `Content-Length`. The gateway frames the body it actually sends (RFC 9112
 * §6): a publisher's `Content-Length: 2` over an 11-byte body, or a `Transfer-Encoding` next
 * to it, would otherwise desynchronise the client's connection (issue #12 item 5).
 */
export function isFramingOrHopHeader(lowerName: string): boolean {
  return lowerName.startsWith('grip-') || lowerName === 'content-length' || isHopByHop(lowerName)
}

/**
 * Header pairs (lowercase names) without the fields `isFramingOrHopHeader` names or `drop`
 * adds, nor any field a `Connection` header among them names (RFC 9110 §7.6.1). The one
 * filter for instructions and publishes alike.
 */
export function clientHeaderPairs(
  pairs: readonly [string, string][],
  drop: (lowerName: string) => boolean = () => false
): [string, string][] {
  const nominated = new Set<string>()
  for (const [name, value] of pairs) {
    if (name === 'connection')
      for (const token of splitList(value)) nominated.add(token.toLowerCase())
  }
  return pairs.filter(
    ([name]) => !isFramingOrHopHeader(name) && !nominated.has(name) && !drop(name)
  )
}

/** Statuses whose responses never carry a body (RFC 9110 §6.4.1). */
const NULL_BODY = new Set([204, 205, 304])

/** Whether a web Response can carry `code` (Grip-Status allows 100-999). */
export function isSendableStatus(code: number): boolean {
  return code >= 200 && code <= 599
}

/** A sendable status line and its headers, as a Response would carry them. */
export interface ClientHead {
  status: number
  statusText: string
  headers: Headers
}

/**
 * The status, reason and headers `toResponse` gives a response whose code `isSendableStatus`
 * accepts, without building the Response: a held stream writes its head itself, and on Node
 * reading `statusText` back from a Response makes @hono/node-server build a full undici
 * Response behind its light one (issue #15's storm profile).
 */
export function clientHead(
  response: { code: number; reason: string; headers: readonly [string, string][] },
  extraHeaders: Headers | undefined = undefined
): ClientHead {
  const headers = new Headers()
  for (const [name, value] of response.headers) headers.append(name, value)
  extraHeaders?.forEach((value, name) => {
    headers.set(name, value)
  })
  // A reason with control characters (the parsers only refuse CR, LF and NUL) gives way to
  // the standard phrase rather than making `Response` throw.
  const reason = isReasonPhrase(response.reason) ? response.reason : reasonPhrase(response.code)
  return { status: response.code, statusText: reason, headers }
}

/**
 * A web Response for a status line, headers and body. Statuses a Response cannot carry
 * (below 200 or above 599, which Grip-Status allows) are answered 502; a reason it cannot
 * carry is replaced by the standard one.
 */
export function toResponse(
  response: {
    code: number
    reason: string
    headers: readonly [string, string][]
    body: Uint8Array
  },
  method: string,
  extraHeaders: Headers | undefined = undefined
): Response {
  if (!isSendableStatus(response.code)) {
    return new Response('Error while proxying to origin.\n', {
      status: 502,
      headers: { 'content-type': 'text/plain' },
    })
  }
  const body =
    method === 'HEAD' || NULL_BODY.has(response.code)
      ? null
      : (response.body as Uint8Array<ArrayBuffer>)
  return new Response(body, clientHead(response, extraHeaders))
}

/**
 * A published `http-response` applied to the held request's timeout response: headers
 * named in the publish replace all of the same name, the rest are kept (GRIP.md §4.2).
 */
export function publishedResponse(
  held: InstructResponse,
  published: HttpResponseFormat & { action: 'send' }
) {
  const replaced = new Set(published.headers.map(([name]) => name))
  const headers: [string, string][] = held.headers.filter(([name]) => !replaced.has(name))
  headers.push(...published.headers)
  return { code: published.code, reason: published.reason, headers, body: published.body }
}
