/**
 * What the edge cache obeys, as opposed to what the client receives.
 *
 * A response may carry freshness meant for the CDN only: `CDN-Cache-Control` (RFC 9213)
 * and `Surrogate-Control` (Edge Architecture 1.0, as Fastly reads it). When present, the
 * targeted field replaces `Cache-Control` for the edge, and neither reaches the client.
 * A route's `cache` override replaces the origin's freshness but never its refusals.
 * @module
 */
import type { RouteCacheConfig } from '../config/types.ts'
import {
  type Directives,
  deltaSeconds,
  formatDirectives,
  parseDirectives,
} from '../http/cache-control.ts'
import { parseHttpDate } from '../http/http-date.ts'
import { isValidCdnCacheControl } from '../http/structured-fields.ts'

/** Targeted fields in precedence order, most specific first. */
export const TARGETED_FIELDS = ['cdn-cache-control', 'surrogate-control'] as const

/** The edge's reading of a response's caching headers. */
export interface EdgeView {
  /** Headers for the RFC 9111 decisions: Cache-Control replaced by the effective directives. */
  policyHeaders: Record<string, string>
  /** `must-revalidate` / `proxy-revalidate`: never serve this response stale. */
  mustRevalidate: boolean
  /** Seconds past freshness this response may answer when the origin fails. */
  staleIfError: number
  /** Whether the response may answer stale when the origin cannot be reached (RFC 9111 §4.2.4). */
  staleWhenDisconnected: boolean
  /** Extra surrogate keys from the route. */
  routeKeys: string[]
}

/**
 * Computes the edge view of an origin response.
 * @param headers lowercase origin response headers
 * @param now the platform clock's time, for HTTP dates with two-digit years
 */
export function edgeView(
  headers: Record<string, string>,
  cache: RouteCacheConfig,
  now: number
): EdgeView {
  // RFC 9213 §2.1: the first targeted field with a non-empty value applies, and then
  // Cache-Control and Expires are ignored.
  // CDN-Cache-Control is a Structured Field: an invalid one is ignored as a whole.
  const targeted = TARGETED_FIELDS.find(
    (name) =>
      parseDirectives(headers[name]).size > 0 &&
      (name !== 'cdn-cache-control' || isValidCdnCacheControl(headers[name] ?? ''))
  )
  const source = targeted ? headers[targeted] : headers['cache-control']
  const directives = parseDirectives(source)
  const policyHeaders = { ...headers }
  for (const name of TARGETED_FIELDS) delete policyHeaders[name]

  const originSMaxage = directives.has('s-maxage')
  let routeKeys: string[] = []
  if (typeof cache === 'object') {
    applyOverride(directives, cache.ttl, cache.staleWhileRevalidate, cache.staleIfError)
    delete policyHeaders.expires
    delete policyHeaders.pragma
    routeKeys = cache.keys ?? []
  }

  const mustRevalidate = directives.has('must-revalidate') || directives.has('proxy-revalidate')
  // RFC 9111 §4.2.4, §5.2.2.10: no-cache, and an origin's s-maxage (which implies
  // proxy-revalidate for shared caches), forbid stale answers when the origin is down.
  // Explicit stale-while-revalidate / stale-if-error still apply: the origin granted them.
  const staleWhenDisconnected =
    !mustRevalidate && !directives.has('no-cache') && !(originSMaxage && typeof cache !== 'object')
  // http-cache-semantics 4.3 refuses even fresh must-revalidate responses, but RFC 9111
  // §5.2.2.2 only forbids serving them stale: we enforce that ourselves in freshness.ts.
  directives.delete('must-revalidate')
  directives.delete('proxy-revalidate')
  const staleIfError = deltaSeconds(directives, 'stale-if-error') ?? 0
  directives.delete('stale-if-error')

  if (directives.size > 0) policyHeaders['cache-control'] = formatDirectives(directives)
  else delete policyHeaders['cache-control']
  if (targeted || typeof cache === 'object') delete policyHeaders.pragma
  if (targeted) delete policyHeaders.expires
  normalizeAgeAndExpires(policyHeaders, now)

  return { policyHeaders, mustRevalidate, staleIfError, staleWhenDisconnected, routeKeys }
}

/** A date in the past: what an invalid Expires means (RFC 9111 §5.3). */
const ALREADY_EXPIRED = 'Thu, 01 Jan 1970 00:00:00 GMT'

/**
 * http-cache-semantics reads Age with parseFloat and Expires with Date.parse, both more
 * lenient than HTTP: an Age that is not delta-seconds is ignored (RFC 9111 §5.1), an
 * Expires that is not an HTTP-date means "already expired" (§5.3).
 */
function normalizeAgeAndExpires(headers: Record<string, string>, now: number): void {
  // Of a list (repeated lines are joined with commas), the first value counts.
  const age = headers.age?.split(',')[0]?.trim()
  if (age !== undefined && /^\d+$/.test(age)) headers.age = age
  else delete headers.age
  const expires = headers.expires
  if (expires !== undefined && parseHttpDate(expires, now) === undefined)
    headers.expires = ALREADY_EXPIRED
}

/**
 * The status to give http-cache-semantics. RFC 9111 §3 lets a cache store a final response
 * of any status with explicit freshness unless `must-understand` is present; the library
 * only stores statuses it lists, so an unlisted final status is presented as 307 (listed,
 * but never heuristically cacheable) and keeps its real status in the stored entry.
 */
export function statusForPolicy(status: number, policyHeaders: Record<string, string>): number {
  if (LIBRARY_UNDERSTOOD.has(status) || status === 206 || status === 304 || status < 200)
    return status
  if (parseDirectives(policyHeaders['cache-control']).has('must-understand')) return status
  return 307
}

/** Statuses http-cache-semantics 4.3 will store. */
const LIBRARY_UNDERSTOOD = new Set([
  200, 203, 204, 300, 301, 302, 303, 307, 308, 404, 405, 410, 414, 501,
])

/** Replaces freshness directives with the route's, keeping `no-store` and `private`. */
function applyOverride(
  directives: Directives,
  ttl: number,
  staleWhileRevalidate: number | undefined,
  staleIfError: number | undefined
): void {
  for (const name of [
    'max-age',
    's-maxage',
    'no-cache',
    'stale-while-revalidate',
    'stale-if-error',
  ]) {
    directives.delete(name)
  }
  directives.set('public', true)
  directives.set('s-maxage', String(ttl))
  if (staleWhileRevalidate) directives.set('stale-while-revalidate', String(staleWhileRevalidate))
  if (staleIfError) directives.set('stale-if-error', String(staleIfError))
}
