/**
 * The first decision for every request, on every platform: answer it here (publish, purge,
 * stats, not found), send it down the pull path, or hand it to a fanout tier that holds
 * connections in front of the origin (Fastly Fanout). It runs before any handoff, because a
 * handed-off request no longer passes the edge cache on its first leg (ARCHITECTURE.md,
 * "Seams"; Fastly's Fanout starter kit README).
 * @module
 */
import type { RouteConfig } from '../config/types.ts'
import type { GripSigState } from '../grip/fanout-sig.ts'
import { pushpinPublishKey, type UrlKey } from '../publish/url-key.ts'
import { matchRoute } from './routes.ts'

/** Paths the gateway answers itself, never forwarded to an origin. */
export const ADMIN_PREFIX = '/_gripgate/'

const UNRESERVED = /^[A-Za-z0-9\-._~]$/

/**
 * Whether `path` is the gateway's own (`/_gripgate` or below), with percent-encoded
 * unreserved characters decoded first: `/%5Fgripgate/` is the same path (RFC 3986
 * §6.2.2.2), and an origin that decodes it must not be reached by it either.
 */
export function isAdminPath(path: string): boolean {
  const plain = path.includes('%')
    ? path.replace(/%([0-9A-Fa-f]{2})/g, (encoded, hex: string) => {
        const char = String.fromCharCode(Number.parseInt(hex, 16))
        return UNRESERVED.test(char) ? char : encoded
      })
    : path
  // `//_gripgate/x`: many origins and frameworks merge repeated slashes.
  const merged = plain.replace(/^\/{2,}/, '/')
  return merged.startsWith(ADMIN_PREFIX) || merged === ADMIN_PREFIX.slice(0, -1)
}

/** Why a request is handed to the fanout tier. */
export type HandoffReason = 'websocket' | 'event-stream' | 'realtime-route'

/** What to do with a request. */
export type Classification =
  /** `urlKey`: the request is pushpin-publish's, with its GRIP URL's key (publish/url-key.ts). */
  | { kind: 'publish'; urlKey?: UrlKey }
  | { kind: 'purge' }
  | { kind: 'stats' }
  | { kind: 'not-found' }
  /** A `Grip-Sig` was sent and does not verify: refused, never handed off again. */
  | { kind: 'bad-signature' }
  | { kind: 'handoff'; route: RouteConfig; reason: HandoffReason }
  /** `trusted`: the fanout tier calling back; its GRIP headers go to the origin and back. */
  | { kind: 'pull'; route: RouteConfig; trusted: boolean }

/** The config and facts the decision needs. */
export interface ClassifyOptions {
  routes: readonly RouteConfig[]
  /** The publish path (`publish.path`); absent when publishing is not configured. */
  publishPath?: string
  /**
   * The publish path when this listener does not answer it (`publish.public: false`): it is
   * still the gateway's own, never forwarded to an origin.
   */
  reservedPath?: string
  /** The request's `Grip-Sig`, already checked (`gripSigState`); `absent` without a front tier. */
  gripSig: GripSigState
  /** Whether realtime requests are handed off (a tier with a `front`); default true. */
  handsOff?: boolean
}

/** Whether a request asks to become a WebSocket (RFC 6455 §4.1). */
export function isWebSocketUpgrade(request: Pick<Request, 'method' | 'headers'>): boolean {
  return request.method === 'GET' && request.headers.get('upgrade')?.toLowerCase() === 'websocket'
}

/** Whether `Accept` lists `text/event-stream` with a non-zero weight (RFC 9110 §12.5.1). */
export function acceptsEventStream(accept: string | null): boolean {
  if (!accept) return false
  return accept.split(',').some((element) => {
    const [type = '', ...params] = element.split(';').map((part) => part.trim().toLowerCase())
    if (type !== 'text/event-stream') return false
    const q = params.find((param) => param.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  })
}

/** Why `request` on `route` is realtime, or undefined when it is a plain pull. */
export function handoffReason(
  request: Pick<Request, 'method' | 'headers'>,
  route: RouteConfig
): HandoffReason | undefined {
  if (isWebSocketUpgrade(request)) return 'websocket'
  if (acceptsEventStream(request.headers.get('accept'))) return 'event-stream'
  if (route.realtime === true) return 'realtime-route'
  return undefined
}

/** Whether `path` is the publish path; Pushpin takes it with or without its trailing slash. */
export function isPublishPath(path: string, publishPath: string): boolean {
  const bare = publishPath.replace(/\/$/, '')
  return path === bare || path === `${bare}/`
}

/** Decides what to do with `request`; pure, so it is tested as a table. */
export function classifyRequest(
  request: Pick<Request, 'method' | 'headers' | 'url'>,
  options: ClassifyOptions
): Classification {
  const url = new URL(request.url)
  const path = url.pathname
  if (options.publishPath !== undefined) {
    if (isPublishPath(path, options.publishPath)) return { kind: 'publish' }
    const urlKey = pushpinPublishKey(url, options.publishPath)
    if (urlKey) return { kind: 'publish', urlKey }
    if (path === `${ADMIN_PREFIX}purge`) return { kind: 'purge' }
    if (path === `${ADMIN_PREFIX}stats`) return { kind: 'stats' }
  }
  if (isAdminPath(path)) return { kind: 'not-found' }
  if (options.reservedPath !== undefined && isPublishPath(path, options.reservedPath)) {
    return { kind: 'not-found' }
  }
  // Checked before the route: with the self-backend pattern, an unverifiable callback that
  // was handed off again would come straight back, in a loop.
  if (options.gripSig === 'invalid') return { kind: 'bad-signature' }
  const route = matchRoute(options.routes, url.host, path)
  if (!route) return { kind: 'not-found' }
  if (options.gripSig === 'valid') return { kind: 'pull', route, trusted: true }
  if (options.handsOff === false) return { kind: 'pull', route, trusted: false }
  const reason = handoffReason(request, route)
  return reason ? { kind: 'handoff', route, reason } : { kind: 'pull', route, trusted: false }
}
