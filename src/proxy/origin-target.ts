/**
 * Where and with which fields a client request goes to its origin: the URL on the origin's
 * base, hop-by-hop fields dropped (RFC 9110 §7.6.1), `Via` added (§7.6.3), and the client's
 * Host kept unless the origin config names one, as CDNs do by default.
 *
 * Kept apart from `forward.ts` (which binds requests to the pull cache) so platforms that
 * bring their own cache, such as Fastly's readthrough cache, can use it alone.
 * @module
 */
import type { OriginConfig } from '../config/types.ts'
import { withoutHopByHop } from '../http/headers.ts'

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
