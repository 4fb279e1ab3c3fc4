/**
 * The gateway as one Hono app: the only module that knows every route.
 * Platforms build their seams and call `createGateway`; nothing here names a platform.
 * @module
 */
import type { MiddlewareHandler } from 'hono'
import { Hono } from 'hono'
import { isAuthorizedPublisher } from './auth/publish-auth.ts'
import { PullCache } from './cache/pull-cache.ts'
import type { GatewayConfig } from './config/types.ts'
import { GatewayError, problemResponse } from './errors.ts'
import type { FanoutTier, SendToOrigin } from './fanout.ts'
import { memoryHubHistory } from './history/hub-history.ts'
import { isListHost } from './http/host-field.ts'
import { EmbeddedFanout } from './hub/embedded-fanout.ts'
import type { Platform } from './platform.ts'
import { ADMIN_PREFIX, isAdminPath, isWebSocketUpgrade } from './proxy/classify.ts'
import { type ClientPeer, clientPeer, trustedProxies } from './proxy/forwarding.ts'
import { proxyWithGrip } from './proxy/grip-proxy.ts'
import { originFailure } from './proxy/origin-failure.ts'
import { routeForward } from './proxy/route-forward.ts'
import { handlePublish } from './publish/route.ts'
import { handlePurge } from './purge/route.ts'
import { statsSnapshot } from './stats.ts'

/** A built gateway: the Hono app plus the parts platforms and tests reach into. */
export interface Gateway {
  app: Hono
  cache: PullCache
  tier: FanoutTier
}

/** Builds the gateway for a platform and a parsed config. */
export function createGateway(platform: Platform, config: GatewayConfig): Gateway {
  const cache = new PullCache({
    store: platform.store,
    clock: platform.clock,
    logger: platform.logger,
    waitUntil: platform.waitUntil,
    maxObjectBytes: config.cache.maxObjectBytes,
    requestDirectives: config.cache.requestDirectives,
  })
  const tier =
    platform.fanout?.(config) ??
    new EmbeddedFanout({
      clock: platform.clock,
      logger: platform.logger,
      limits: config.limits,
      websocket: platform.websocket,
      streams: platform.streams,
      history: memoryHubHistory(config.history, platform.clock),
    })
  const app = new Hono()

  const publishKeys = config.publish?.keys ?? []
  const requirePublishKey: MiddlewareHandler = async (c, next) => {
    if (
      !(await isAuthorizedPublisher(
        c.req.header('authorization'),
        publishKeys,
        platform.clock.now()
      ))
    ) {
      throw new GatewayError(
        'UNAUTHORIZED',
        401,
        'a publish key is required: Authorization: Bearer <key or JWT>',
        {
          headers: { 'www-authenticate': 'Bearer realm="gripgate"' },
        }
      )
    }
    await next()
  }
  const postOnly = () => {
    throw new GatewayError('METHOD_NOT_ALLOWED', 405, 'use POST', { headers: { allow: 'POST' } })
  }

  if (config.publish) {
    // Pushpin takes the publish path with or without its trailing slash.
    const publishPath = config.publish.path.replace(/\/$/, '')
    for (const path of new Set([publishPath, `${publishPath}/`])) {
      const purge = config.publish.purge
      app.post(path, requirePublishKey, (c) => handlePublish(c.req.raw, tier, cache, purge))
      app.all(path, postOnly)
    }
    app.post(`${ADMIN_PREFIX}purge`, requirePublishKey, (c) => handlePurge(c.req.raw, cache))
    app.all(`${ADMIN_PREFIX}purge`, postOnly)
    app.get(`${ADMIN_PREFIX}stats`, requirePublishKey, async (c) =>
      c.json(await statsSnapshot(tier, cache))
    )
  }

  const isTrusted = trustedProxies(config.trustedProxies)
  /**
   * Reaches the origin of the request's route, through the cache unless `direct`, on behalf
   * of `peer`: one per client request, so its replays, next links and WebSocket-over-HTTP
   * requests carry the same `X-Forwarded-For`.
   */
  const sendFor =
    (peer: ClientPeer): SendToOrigin =>
    async (request, { lastIds, direct }) => {
      const { route, forward } = routeForward(
        config,
        platform.origin,
        platform.clock,
        request,
        lastIds,
        { peer, logger: platform.logger }
      )
      return direct ? cache.bypass(request, forward) : cache.handle(request, route.cache, forward)
    }

  app.all('*', (c) => {
    // Routing and the cache key go by Host: two of them (joined into a list) are refused
    // (RFC 9112 §3.2). Node's front door refuses them before this (request-guard.ts).
    if (isListHost(c.req.header('host'))) {
      throw new GatewayError('BAD_REQUEST', 400, 'a request may carry one Host field', {
        headers: { connection: 'close' },
      })
    }
    // The gateway's own prefix never reaches an origin, whatever is mounted under it.
    if (isAdminPath(c.req.path)) {
      throw new GatewayError('ROUTE_NOT_FOUND', 404, `nothing is served at ${c.req.path}`)
    }
    const send = sendFor(clientPeer(platform.clientAddress?.(c), isTrusted))
    return isWebSocketUpgrade(c.req.raw)
      ? tier.webSocket(c, send)
      : proxyWithGrip(c.req.raw, send, tier)
  })

  app.onError((error, c) => {
    if (error instanceof GatewayError) return error.getResponse()
    const failure = originFailure(error, platform.logger)
    if (failure) return failure.getResponse()
    platform.logger.error('unhandled error', {
      path: c.req.path,
      error: String(error),
      stack: error.stack,
    })
    return problemResponse(500, { title: 'Internal gateway error', status: 500, code: 'INTERNAL' })
  })

  return { app, cache, tier }
}
