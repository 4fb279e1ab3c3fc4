/**
 * Where and with which fields a client request goes to its origin: the URL on the origin's
 * base, hop-by-hop fields dropped (RFC 9110 §7.6.1), body framing only with a body, the
 * forwarding fields (forwarding.ts), `Via` added (§7.6.3), and the client's Host kept unless
 * the origin config names one, as CDNs do by default.
 *
 * Kept apart from `forward.ts` (which binds requests to the pull cache) so platforms that
 * bring their own cache, such as Fastly's readthrough cache, can use it alone.
 * @module
 */
import type { OriginConfig } from '../config/types.ts'
import { withoutHopByHop } from '../http/headers.ts'
import { type ClientPeer, setForwardingHeaders } from './forwarding.ts'

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

/** What decides the fields of one origin request besides the client's own. */
export interface OriginHeaderOptions {
  /**
   * Whether the request to the origin carries a body. Without one, `Content-Length` goes
   * too: an origin told to expect a body that never comes reads the next request on the
   * pooled connection as that body, and the rest of it as a request no client sent
   * (request smuggling). `Transfer-Encoding` never goes: the platform frames what it sends.
   */
  body?: boolean
  /** The client's peer, for `X-Forwarded-For`; undefined when unknown. */
  peer?: ClientPeer | undefined
}

/** Headers sent to the origin for a client request. */
export function originHeaders(
  headers: Headers,
  clientUrl: URL,
  origin: OriginConfig,
  options: OriginHeaderOptions = {}
): Headers {
  const out = withoutHopByHop(headers)
  // Proxy-* fields are for the proxy the client meant, never an origin; `Proxy` itself is
  // the httpoxy vector (CGI turns it into HTTP_PROXY).
  const proxyFields: string[] = []
  out.forEach((_value, name) => {
    if (name === 'proxy' || name.startsWith('proxy-')) proxyFields.push(name)
  })
  for (const name of proxyFields) out.delete(name)
  if (!options.body) out.delete('content-length')
  out.set('host', origin.hostHeader ?? clientUrl.host)
  setForwardingHeaders(out, clientUrl, options.peer)
  const via = out.get('via')
  out.set('via', via ? `${via}, ${VIA}` : VIA)
  return out
}
