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
  const base = new URL(origin.url)
  const prefix = base.pathname.endsWith('/') ? base.pathname.slice(0, -1) : base.pathname
  return new URL(`${prefix}${url.pathname}${url.search}`, base)
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
export function forwarderFor(origin: Origin, config: OriginConfig, request: Request): Forward {
  const clientUrl = new URL(request.url)
  const target = originUrl(config, clientUrl)
  return ({ method, headers, body }) => {
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: originHeaders(headers, clientUrl, config),
      redirect: 'manual',
    }
    if (body && method !== 'GET' && method !== 'HEAD') {
      init.body = body
      init.duplex = 'half'
    }
    return origin.fetch(new Request(target, init), config)
  }
}
