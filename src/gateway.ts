/**
 * The gateway as one Hono app: the only module that knows every route.
 * Platforms build their seams and call `createGateway`; nothing here names a platform.
 * @module
 */

import type { MiddlewareHandler } from 'hono'
import { Hono } from 'hono'
import { bearerToken, isKnownKey } from './auth/bearer.ts'
import { PullCache } from './cache/pull-cache.ts'
import type { GatewayConfig } from './config/types.ts'
import { GatewayError, problemResponse } from './errors.ts'
import type { Platform } from './platform.ts'
import { OriginTimeoutError, OriginUnreachableError } from './platform.ts'
import { forwarderFor } from './proxy/forward.ts'
import { matchRoute } from './proxy/routes.ts'
import { handlePurge } from './purge/route.ts'

/** Paths the gateway answers itself, never forwarded to an origin. */
export const ADMIN_PREFIX = '/_gripgate/'

/** A built gateway: the Hono app plus the parts platforms and tests reach into. */
export interface Gateway {
  app: Hono
  cache: PullCache
}

/** Builds the gateway for a platform and a parsed config. */
export function createGateway(platform: Platform, config: GatewayConfig): Gateway {
  const cache = new PullCache({
    store: platform.store,
    clock: platform.clock,
    logger: platform.logger,
    waitUntil: platform.waitUntil,
    maxObjectBytes: config.cache.maxObjectBytes,
  })
  const app = new Hono()

  const publishKeys = config.publish?.keys ?? []
  const requirePublishKey: MiddlewareHandler = async (c, next) => {
    if (!isKnownKey(bearerToken(c.req.header('authorization')), publishKeys)) {
      throw new GatewayError(
        'UNAUTHORIZED',
        401,
        'a publish key is required: Authorization: Bearer <key>',
        {
          headers: { 'www-authenticate': 'Bearer realm="gripgate"' },
        }
      )
    }
    await next()
  }

  if (config.publish) {
    app.post(`${ADMIN_PREFIX}purge`, requirePublishKey, (c) => handlePurge(c.req.raw, cache))
    app.all(`${ADMIN_PREFIX}purge`, () => {
      throw new GatewayError('METHOD_NOT_ALLOWED', 405, 'use POST', { headers: { allow: 'POST' } })
    })
  }

  app.all('*', async (c) => {
    const request = c.req.raw
    const url = new URL(request.url)
    const route = matchRoute(config.routes, url.host, url.pathname)
    if (!route)
      throw new GatewayError('ROUTE_NOT_FOUND', 404, `no route for ${url.host}${url.pathname}`)
    const origin = config.origins[route.origin]
    if (!origin)
      throw new GatewayError('INTERNAL', 500, `route names unknown origin "${route.origin}"`)
    return cache.handle(request, route.cache, forwarderFor(platform.origin, origin, request))
  })

  app.onError((error, c) => {
    if (error instanceof GatewayError) return error.getResponse()
    if (error instanceof OriginTimeoutError) {
      return new GatewayError('ORIGIN_TIMEOUT', 504, error.message, { cause: error }).getResponse()
    }
    if (error instanceof OriginUnreachableError) {
      return new GatewayError('ORIGIN_UNREACHABLE', 502, error.message, {
        cause: error,
      }).getResponse()
    }
    platform.logger.error('unhandled error', {
      path: c.req.path,
      error: String(error),
      stack: error.stack,
    })
    return problemResponse(500, { title: 'Internal gateway error', status: 500, code: 'INTERNAL' })
  })

  return { app, cache }
}
