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
  /** Extra surrogate keys from the route. */
  routeKeys: string[]
}

/**
 * Computes the edge view of an origin response.
 * @param headers lowercase origin response headers
 */
export function edgeView(headers: Record<string, string>, cache: RouteCacheConfig): EdgeView {
  // RFC 9213 §2.1: the first targeted field with a non-empty value applies, and then
  // Cache-Control and Expires are ignored.
  const targeted = TARGETED_FIELDS.find((name) => parseDirectives(headers[name]).size > 0)
  const source = targeted ? headers[targeted] : headers['cache-control']
  const directives = parseDirectives(source)
  const policyHeaders = { ...headers }
  for (const name of TARGETED_FIELDS) delete policyHeaders[name]

  let routeKeys: string[] = []
  if (typeof cache === 'object') {
    applyOverride(directives, cache.ttl, cache.staleWhileRevalidate, cache.staleIfError)
    delete policyHeaders.expires
    delete policyHeaders.pragma
    routeKeys = cache.keys ?? []
  }

  const mustRevalidate = directives.has('must-revalidate') || directives.has('proxy-revalidate')
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

  return { policyHeaders, mustRevalidate, staleIfError, routeKeys }
}

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
