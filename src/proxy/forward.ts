/**
 * Requests to an origin: the URL on the origin's base, hop-by-hop fields dropped
 * (RFC 9110 §7.6.1), `Via` added (§7.6.3), and the client's Host kept unless the
 * origin config names one, as CDNs do by default.
 * @module
 */

import type { Forward } from '../cache/fill.ts'
import type { OriginConfig } from '../config/types.ts'
import { withoutHopByHop } from '../http/headers.ts'
import type { Origin } from '../platform.ts'

/** The pseudonym this gateway uses in `Via`. */
export const VIA = '1.1 gripgate'

/** The URL on `origin` that serves the client's `url`. */
export function originUrl(origin: OriginConfig, url: URL): URL {
  const target = new URL(origin.url)
  const prefix = target.pathname.endsWith('/') ? target.pathname.slice(0, -1) : target.pathname
  // Set the path, never resolve it against the base: a client path such as
  // `//evil.example/x` would resolve as a protocol-relative URL to another host.
  target.pathname = `${prefix}${url.pathname}`
  target.search = url.search
  return target
}

/** Headers sent to the origin for a client request. */
export function originHeaders(headers: Headers, clientUrl: URL, origin: OriginConfig): Headers {
  const out = withoutHopByHop(headers)
  out.set('host', origin.hostHeader ?? clientUrl.host)
  out.set('x-forwarded-host', clientUrl.host)
  out.set('x-forwarded-proto', clientUrl.protocol.replace(':', ''))
  const via = out.get('via')
  out.set('via', via ? `${via}, ${VIA}` : VIA)
  return out
}

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
