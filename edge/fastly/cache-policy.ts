/**
 * A route's cache settings as a Fastly `CacheOverride` for the readthrough cache.
 *
 * Surrogate keys: Fastly indexes a stored response by its `Surrogate-Key` natively, but not
 * by `Cache-Tag` and not by the route's `keys`; those are added in the `afterSend` hook
 * (js-compute 3.30+, built with `--enable-http-cache`), which also applies a route's TTL while
 * still honouring an origin's `no-store`/`private`, as the Node cache does. Units: TTLs in
 * CacheOverride and on the candidate response are SECONDS (CoreCache would be milliseconds).
 * `staleIfError` has no readthrough-cache setting in js-compute 3.46 and is not applied.
 * @module
 */
import { CacheOverride } from 'fastly:cache-override'
import { surrogateKeysOf } from '../../src/cache/surrogate-keys.ts'
import type { RouteCacheConfig } from '../../src/config/types.ts'
import { parseDirectives } from '../../src/http/cache-control.ts'

/** The fields of Fastly's candidate response (in `afterSend`) that this module sets. */
export interface CandidateResponse {
  readonly headers: Headers
  ttl?: number | undefined
  swr?: number | undefined
  surrogateKeys?: string[] | undefined
}

/** `hooks`: the HTTP cache hooks (preferred); `host`: plain overrides when hooks are refused. */
export type CacheMode = 'hooks' | 'host'

const CACHEABLE_METHODS = new Set(['GET', 'HEAD'])

/** Whether the origin forbids a shared cache to store this response (RFC 9111 §5.2.2). */
function originForbidsStore(headers: Headers): boolean {
  const directives = parseDirectives(headers.get('cache-control'))
  return directives.has('no-store') || directives.has('private')
}

/**
 * Adjusts the candidate before Fastly stores it: adds `Cache-Tag` and route keys to the
 * surrogate keys Fastly derived (which include its own URL key, kept for purge-by-URL), and
 * applies a route override. Returns `{ cache: false }` when the response must not be stored.
 */
export function applyRouteCache(
  candidate: CandidateResponse,
  cache: RouteCacheConfig
): { cache: false } | undefined {
  const routeKeys = typeof cache === 'object' ? (cache.keys ?? []) : []
  const extra = surrogateKeysOf(candidate.headers, routeKeys)
  if (extra.length > 0) {
    candidate.surrogateKeys = [...new Set([...(candidate.surrogateKeys ?? []), ...extra])]
  }
  if (typeof cache !== 'object') return undefined
  if (originForbidsStore(candidate.headers)) return { cache: false }
  // Like the Node cache's s-maxage override: the route's freshness replaces the origin's.
  candidate.ttl = cache.ttl
  candidate.swr = cache.staleWhileRevalidate ?? 0
  return undefined
}

/** The CacheOverride for a request on a route. */
export function cacheOverrideFor(
  method: string,
  cache: RouteCacheConfig,
  mode: CacheMode
): CacheOverride {
  if (cache === false || !CACHEABLE_METHODS.has(method)) return new CacheOverride('pass')
  if (mode === 'hooks') {
    return new CacheOverride({ afterSend: (response) => applyRouteCache(response, cache) })
  }
  // Without hooks: Cache-Tag is not indexed, and an override's keys and TTL win over the
  // origin's headers; see docs/fastly.md.
  if (cache === 'origin') return new CacheOverride('none')
  const init: { ttl: number; swr?: number; surrogateKey?: string } = { ttl: cache.ttl }
  if (cache.staleWhileRevalidate !== undefined) init.swr = cache.staleWhileRevalidate
  if (cache.keys && cache.keys.length > 0) init.surrogateKey = cache.keys.join(' ')
  return new CacheOverride('override', init)
}

/** Whether a fetch failed only because this service or build lacks the HTTP cache hooks. */
export function isHooksUnsupported(error: unknown): boolean {
  return error instanceof Error && /HTTP caching API is not enabled/.test(error.message)
}
