/**
 * The gateway as one Hono app, the same on every platform: the only module that knows every
 * route. A platform builds its seams (`Platform`: cache strategy, purger, fanout tier,
 * origin) and calls `createGateway`; every request then takes one classification
 * (`classifyRequest`), one publish flow, one purge flow, one auth check and one error handler.
 * Nothing here names a platform.
 * @module
 */
import { type Context, Hono } from 'hono'
import {
  type AdminHooks,
  classifyAdminRequest,
  healthResponse,
  readinessResponse,
} from './admin/admin-route.ts'
import { admitPublisher, type UrlCredentials } from './auth/publish-auth.ts'
import { PullCache } from './cache/pull-cache.ts'
import { type PullPath, storePullPath } from './cache/pull-path.ts'
import type { GatewayConfig } from './config/types.ts'
import { GatewayError, problemResponse } from './errors.ts'
import type { FanoutTier, SendToOrigin } from './fanout.ts'
import { memoryHubHistory } from './history/hub-history.ts'
import { isListHost } from './http/host-field.ts'
import { EmbeddedFanout } from './hub/embedded-fanout.ts'
import { logGatewayError } from './log-error.ts'
import { countingPurger, noMetrics } from './metrics/metrics.ts'
import type { Platform } from './platform.ts'
import { classifyRequest, isAdminPath, isWebSocketUpgrade } from './proxy/classify.ts'
import { type ClientPeer, clientPeer, trustedProxies } from './proxy/forwarding.ts'
import { proxyWithGrip } from './proxy/grip-proxy.ts'
import { originFailure } from './proxy/origin-failure.ts'
import { type GripMode, routeForward } from './proxy/route-forward.ts'
import { handlePublish } from './publish/route.ts'
import { isLoopback } from './publish/url-key.ts'
import type { Purger } from './purge/purger.ts'
import { handlePurge } from './purge/route.ts'
import { statsSnapshot } from './stats.ts'

/** `originFailure` logs at warn; the error handler logs the answer with its cause instead. */
const QUIET = { warn() {} }

/** A built gateway: the Hono app plus the parts platforms and tests reach into. */
export interface Gateway {
  app: Hono
  /**
   * The operators' app (docs/operations.md): /healthz, /readyz, /metrics and the publish,
   * purge and stats endpoints; a platform that has an admin listener serves it there.
   */
  admin: Hono
  /** The core's cache, where the platform gave a store (absent on Fastly). */
  cache: PullCache | undefined
  pullPath: PullPath
  purger: Purger
  tier: FanoutTier
}

/**
 * Builds the gateway for a platform and a parsed config. `keep` is a running gateway's
 * fanout tier and cache, for a config reload (Node's SIGHUP): held connections and stored
 * responses carry over, and the routes, origins, keys and the rest take the new config.
 */
export function createGateway(
  platform: Platform,
  config: GatewayConfig,
  keep?: Pick<Gateway, 'tier' | 'cache'>
): Gateway {
  const metrics = platform.metrics ?? noMetrics
  const cache = keep
    ? keep.cache
    : platform.store
      ? new PullCache({
          store: platform.store,
          clock: platform.clock,
          logger: platform.logger,
          waitUntil: platform.waitUntil,
          maxObjectBytes: config.cache.maxObjectBytes,
          requestDirectives: config.cache.requestDirectives,
        })
      : undefined
  const pullPath = platform.pullPath?.(config) ?? (cache && storePullPath(cache))
  if (!pullPath) throw new Error('a platform gives either a cache store or a pull path')
  const purger = countingPurger(platform.purger?.(pullPath.purger) ?? pullPath.purger, metrics)
  const tier: FanoutTier =
    keep?.tier ??
    platform.fanout?.(config) ??
    new EmbeddedFanout({
      clock: platform.clock,
      logger: platform.logger,
      limits: config.limits,
      websocket: platform.websocket,
      streams: platform.streams,
      history: memoryHubHistory(config.history, platform.clock),
    })
  const publishKeys = config.publish?.keys ?? []
  const admit = (request: Request, method: 'GET' | 'POST', inUrl?: UrlCredentials) =>
    admitPublisher(request, method, publishKeys, platform.clock.now(), inUrl)
  const isTrusted = trustedProxies(config.trustedProxies)

  /**
   * Reaches the origin of the request's route, through the cache unless `direct`, on behalf
   * of `peer`: one per client request, so its replays, next links and WebSocket-over-HTTP
   * requests carry the same `X-Forwarded-For`.
   */
  const sendFor =
    (peer: ClientPeer, grip: GripMode): SendToOrigin =>
    async (request, { lastIds, direct }) => {
      const { route, forward } = routeForward(
        config,
        platform.origin,
        platform.clock,
        request,
        lastIds,
        { peer, logger: platform.logger, grip, metrics }
      )
      return direct
        ? pullPath.direct(request, forward)
        : pullPath.cached(request, route.cache, forward)
    }

  /** Publish, purge and stats: the same answers on the public and the admin listener. */
  const control = async (
    kind: 'publish' | 'purge' | 'stats',
    request: Request,
    inUrl?: UrlCredentials
  ) => {
    switch (kind) {
      case 'publish':
        try {
          await admit(request, 'POST', inUrl)
        } catch (error) {
          metrics.published('refused')
          throw error
        }
        // Both classifiers answer publish, purge and stats only when publishing is configured.
        return handlePublish(request, tier, purger, config.publish!.purge, metrics)
      case 'purge':
        await admit(request, 'POST')
        return handlePurge(request, purger)
      case 'stats':
        await admit(request, 'GET')
        return Response.json(await statsSnapshot(tier, pullPath))
    }
  }

  const app = new Hono()
  app.all('*', async (c) => {
    // The original request object: a tier that takes handoffs must receive it untouched.
    const request = c.req.raw
    // Routing and the cache key go by Host: two of them (joined into a list) are refused
    // (RFC 9112 §3.2). Node's front door refuses them before this (request-guard.ts).
    if (isListHost(request.headers.get('host'))) {
      throw new GatewayError('BAD_REQUEST', 400, 'a request may carry one Host field', {
        headers: { connection: 'close' },
      })
    }
    const front = tier.front
    const decision = classifyRequest(request, {
      routes: config.routes,
      // `publish.public: false`: the control endpoints are the admin listener's only.
      ...(config.publish && config.publish.public !== false
        ? { publishPath: config.publish.path }
        : {}),
      ...(config.publish ? { reservedPath: config.publish.path } : {}),
      gripSig: front ? await front.callback(request.headers) : 'absent',
      handsOff: front !== undefined,
    })
    switch (decision.kind) {
      case 'publish':
        return control(
          'publish',
          request,
          decision.urlKey && {
            key: decision.urlKey.key,
            local: isLoopback(platform.clientAddress?.(c)),
          }
        )
      case 'purge':
      case 'stats':
        return control(decision.kind, request)
      case 'not-found': {
        // The gateway's own prefix never reaches an origin, whatever is mounted under it.
        const url = new URL(request.url)
        const detail = isAdminPath(url.pathname)
          ? `nothing is served at ${url.pathname}`
          : `no route for ${url.host}${url.pathname}`
        throw new GatewayError('ROUTE_NOT_FOUND', 404, detail)
      }
      case 'bad-signature':
        throw new GatewayError(
          'GRIP_SIG_INVALID',
          403,
          'Grip-Sig does not verify: expected ES256 from Fastly Fanout for this service, or HS256 with grip.key, not expired'
        )
      case 'handoff':
        return front!.handOff(request)
      case 'pull': {
        const peer = clientPeer(platform.clientAddress?.(c), isTrusted)
        // The tier calling back: its GRIP fields go to the origin and the answer back to it.
        if (decision.trusted) return sendFor(peer, 'pass')(request, { direct: false })
        const send = sendFor(peer, front ? 'plain' : 'announce')
        return isWebSocketUpgrade(request)
          ? tier.webSocket(c, send)
          : proxyWithGrip(request, send, tier)
      }
    }
  })

  const onError = (error: Error, c: Context) => {
    if (error instanceof GatewayError) {
      logGatewayError(platform.logger, error, c.req.raw)
      return error.getResponse()
    }
    // The origin's address and socket error are logged here, never shown to the client.
    const failure = originFailure(error, QUIET)
    if (failure) {
      logGatewayError(platform.logger, failure, c.req.raw)
      return failure.getResponse()
    }
    platform.logger.error('unhandled error', {
      path: c.req.path,
      requestId: c.req.header('x-request-id'),
      error: String(error),
      stack: error.stack,
    })
    return problemResponse(500, { title: 'Internal gateway error', status: 500, code: 'INTERNAL' })
  }
  app.onError(onError)

  const admin = new Hono()
  admin.all('*', async (c) => {
    const request = c.req.raw
    const decision = classifyAdminRequest(new URL(request.url).pathname, config.publish?.path)
    switch (decision.kind) {
      case 'publish':
      case 'purge':
      case 'stats':
        return control(decision.kind, request)
      case 'not-found':
        throw new GatewayError('ROUTE_NOT_FOUND', 404, `nothing is served at ${c.req.path}`)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new GatewayError('METHOD_NOT_ALLOWED', 405, `${c.req.path} takes GET`, {
        headers: { allow: 'GET, HEAD' },
      })
    }
    const hooks: AdminHooks | undefined = platform.admin
    if (decision.kind === 'healthz') return healthResponse()
    if (decision.kind === 'readyz') {
      return readinessResponse(hooks?.readiness() ?? { ready: true, checks: {} })
    }
    if (!hooks?.metrics) throw new GatewayError('ROUTE_NOT_FOUND', 404, 'no metrics are exported')
    const { contentType, body } = await hooks.metrics()
    return new Response(body, { headers: { 'content-type': contentType } })
  })
  admin.onError(onError)

  return { app, admin, cache, pullPath, purger, tier }
}
