/**
 * Route table matching: the first route whose host and path match wins.
 * @module
 */
import type { RouteConfig } from '../config/types.ts'

/**
 * Whether a route's `path` matches a request path: exact, or a prefix when the route
 * path ends in `*` (`/api/*` matches `/api/` and anything below it; `/*` matches all).
 */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.endsWith('*')) return pattern === path
  return path.startsWith(pattern.slice(0, -1))
}

/**
 * Whether a route's `host` matches the request's Host. Compared without case, and
 * without the port unless the route names one.
 */
export function hostMatches(pattern: string | undefined, host: string): boolean {
  if (pattern === undefined) return true
  const wanted = pattern.toLowerCase()
  const actual = host.toLowerCase()
  // A port is `:digits` at the end; an IPv6 literal (`[::1]`) has colons but no port.
  if (/:\d+$/.test(wanted)) return wanted === actual
  return wanted === actual.replace(/:\d+$/, '')
}

/** The first route matching `host` and `path`, or undefined. */
export function matchRoute(
  routes: readonly RouteConfig[],
  host: string,
  path: string
): RouteConfig | undefined {
  return routes.find((route) => hostMatches(route.host, host) && pathMatches(route.path, path))
}
