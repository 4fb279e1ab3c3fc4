/**
 * Evaluation of a client's conditional GET/HEAD against a response the edge holds
 * (RFC 9110 §13.2.2): If-None-Match first, If-Modified-Since only without it.
 * @module
 */
import { splitList } from './headers.ts'

/** Weak comparison of two entity-tags (RFC 9110 §8.8.3.2). */
function weakMatch(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '')
}

/**
 * True when the client already has the current representation, so the edge answers 304.
 * @param request the client's request headers
 * @param response the headers of the response the edge would send
 */
export function isNotModified(request: Headers, response: Headers): boolean {
  const ifNoneMatch = request.get('if-none-match')
  if (ifNoneMatch !== null) {
    const etag = response.get('etag')
    if (ifNoneMatch.trim() === '*') return etag !== null
    if (etag === null) return false
    return splitList(ifNoneMatch).some((candidate) => weakMatch(candidate, etag))
  }
  const ifModifiedSince = request.get('if-modified-since')
  if (ifModifiedSince === null) return false
  const since = Date.parse(ifModifiedSince)
  const lastModified = Date.parse(response.get('last-modified') ?? response.get('date') ?? '')
  if (Number.isNaN(since) || Number.isNaN(lastModified)) return false
  return lastModified <= since
}

/** Fields a 304 carries (RFC 9110 §15.4.5): the rest would describe a body that is not sent. */
const NOT_MODIFIED_DROPS = ['content-length', 'content-range', 'transfer-encoding']

/** Turns a would-be 200 into the 304 the client asked for. */
export function notModifiedFrom(response: Response): Response {
  const headers = new Headers(response.headers)
  for (const name of NOT_MODIFIED_DROPS) headers.delete(name)
  return new Response(null, { status: 304, headers })
}

/** Request fields that make a GET conditional; stripped when the edge fills its cache. */
export const CONDITIONAL_FIELDS = [
  'if-none-match',
  'if-modified-since',
  'if-match',
  'if-unmodified-since',
  'if-range',
] as const
