/**
 * Single byte ranges served from a complete stored response (RFC 9110 §14).
 * Several ranges in one request are answered with the whole representation, which
 * §14.2 allows; a multipart/byteranges body is not worth its complexity at the edge.
 * @module
 */
import { parseHttpDate } from './http-date.ts'

/** An inclusive byte range, or a range that cannot be satisfied. */
export type RangeDecision =
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' }
  | { kind: 'full' }

/** Decides how to answer a `Range` request for a representation of `length` bytes. */
export function decideRange(range: string | null, length: number): RangeDecision {
  if (range === null) return { kind: 'full' }
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(range)
  if (!match) return { kind: 'full' }
  const [, first, last] = match
  if (first === '' && last === '') return { kind: 'full' }
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, length - suffix), end: length - 1 }
  }
  const start = Number(first)
  const end = last === '' ? length - 1 : Math.min(Number(last), length - 1)
  if (last !== '' && Number(last) < start) return { kind: 'full' }
  if (start >= length) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end }
}

/**
 * Whether an `If-Range` precondition lets the range apply (RFC 9110 §13.1.5): an entity-tag
 * must match strongly, a date must equal Last-Modified exactly (dates read at `now`).
 */
export function ifRangeAllows(ifRange: string | null, response: Headers, now: number): boolean {
  if (ifRange === null) return true
  const value = ifRange.trim()
  if (value.startsWith('"')) return response.get('etag') === value
  if (value.startsWith('W/')) return false
  const date = parseHttpDate(value, now)
  const lastModified = parseHttpDate(response.get('last-modified'), now)
  return date !== undefined && date === lastModified
}

/** Applies a client's `Range` to a complete 200 response held in memory, at `now`. */
export function applyRange(
  request: Request,
  status: number,
  headers: Headers,
  body: Uint8Array<ArrayBuffer>,
  now: number
): Response {
  if (
    request.method !== 'GET' ||
    status !== 200 ||
    !ifRangeAllows(request.headers.get('if-range'), headers, now)
  ) {
    // HEAD, and statuses that never carry content (RFC 9110 §6.4.1: a stored 204 is
    // cacheable by default), answer without a body: the Response constructor refuses one.
    const bodyless = request.method === 'HEAD' || status === 204 || status === 205 || status === 304
    return new Response(bodyless ? null : body, { status, headers })
  }
  const decision = decideRange(request.headers.get('range'), body.byteLength)
  if (decision.kind === 'full') return new Response(body, { status, headers })
  if (decision.kind === 'unsatisfiable') {
    headers.set('content-range', `bytes */${body.byteLength}`)
    headers.delete('content-length')
    return new Response(null, { status: 416, headers })
  }
  headers.set('content-range', `bytes ${decision.start}-${decision.end}/${body.byteLength}`)
  headers.set('content-length', String(decision.end - decision.start + 1))
  return new Response(body.slice(decision.start, decision.end + 1), { status: 206, headers })
}
