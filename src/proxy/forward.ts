/**
 * Binds a client request to its origin for the pull cache. The URL and header rules live in
 * `origin-target.ts`, re-exported here for existing callers.
 * @module
 */

import type { Forward } from '../cache/fill.ts'
import type { OriginConfig } from '../config/types.ts'
import type { Origin } from '../platform.ts'
import { originHeaders, originUrl } from './origin-target.ts'

export { originHeaders, originUrl, VIA } from './origin-target.ts'

/** Binds a client request to its origin, giving the cache a way to reach it. */
export function forwarderFor(
  origin: Origin,
  config: OriginConfig,
  request: Request,
  prepare?: (headers: Headers) => Promise<void>
): Forward {
  const clientUrl = new URL(request.url)
  const target = originUrl(config, clientUrl)
  return async ({ method, headers, body }) => {
    const outgoing = originHeaders(headers, clientUrl, config)
    await prepare?.(outgoing)
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: outgoing,
      redirect: 'manual',
    }
    if (body && method !== 'GET' && method !== 'HEAD') {
      init.body = body
      init.duplex = 'half'
    }
    return origin.fetch(new Request(target, init), config)
  }
}
