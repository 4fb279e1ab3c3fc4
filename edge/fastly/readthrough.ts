/**
 * The cache strategy on Fastly (`PullPath`): Fastly's readthrough cache sits inside the
 * origin fetch (origin.ts sets it per request from the route), so a cached pull is one
 * fetch with the route's cache settings and a direct one is a pass. Purges go through the
 * Compute purge hostcall (purger.ts). Fastly keeps its own counters, so none are kept here.
 * @module
 */
import type { PullPath } from '../../src/cache/pull-path.ts'
import type { Purger } from '../../src/purge/purger.ts'

/** Fields only the edge reads; clients never see them (README, "Caching"). */
const EDGE_ONLY = ['surrogate-key', 'cache-tag', 'surrogate-control', 'cdn-cache-control']

function withoutEdgeFields(response: Response): Response {
  if (!EDGE_ONLY.some((name) => response.headers.has(name))) return response
  const headers = new Headers(response.headers)
  for (const name of EDGE_ONLY) headers.delete(name)
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  })
}

/** The readthrough pull path over `purger`. */
export function readthroughPullPath(purger: Purger): PullPath {
  return {
    async cached(request, cache, forward) {
      const { method, headers, body } = request
      return withoutEdgeFields(await forward({ method, headers, body, cache }))
    },
    async direct(request, forward) {
      const { method, headers, body } = request
      return withoutEdgeFields(await forward({ method, headers, body }))
    },
    purger,
    stats: () => ({}),
  }
}
