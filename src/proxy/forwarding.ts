/**
 * What the origin learns about the client: `X-Forwarded-For`, `-Host` and `-Proto` as the
 * gateway saw the request, never as the client claims it. A client's own values are
 * replaced (an origin that trusts `X-Forwarded-For` would otherwise log, rate-limit or
 * authorise by an address the client chose) unless the peer is a proxy the config trusts
 * (`trustedProxies`), whose `X-Forwarded-For` is extended as nginx's
 * `$proxy_add_x_forwarded_for` does. `Forwarded` (RFC 7239) is always dropped: the gateway
 * does not write it, and a client's `Forwarded: host=…` reflected by an origin into a cached
 * answer poisons it for everyone.
 * @module
 */
import { type Cidr, inCidr, parseCidr, parseIp } from '../http/ip.ts'

/** Fields that name the client's address, written by a proxy or CDN and never by a client. */
const CLIENT_ADDRESS_FIELDS = [
  'x-real-ip',
  'true-client-ip',
  'fastly-client-ip',
  'cf-connecting-ip',
]

/** The peer a request came from, as far as the gateway can tell. */
export interface ClientPeer {
  /** Its IP address (the TCP peer, or what the platform's edge reports); undefined when unknown. */
  address: string | undefined
  /** A proxy the config trusts: its `X-Forwarded-*` fields are kept and extended. */
  trusted: boolean
}

/** Decides whether an address belongs to a trusted proxy; built once per config. */
export type TrustedProxies = (address: string | undefined) => boolean

/** A matcher for the `trustedProxies` entries (addresses or CIDR ranges; invalid ones never match). */
export function trustedProxies(entries: readonly string[] = []): TrustedProxies {
  const ranges: Cidr[] = []
  for (const entry of entries) {
    const parsed = parseCidr(entry)
    if (parsed.ok) ranges.push(parsed.value)
  }
  if (ranges.length === 0) return () => false
  return (address) => {
    const bytes = address === undefined ? undefined : parseIp(address)
    return bytes !== undefined && ranges.some((range) => inCidr(bytes, range))
  }
}

/** The peer for `address`; an IPv4-mapped IPv6 address is written as the IPv4 one. */
export function clientPeer(address: string | undefined, isTrusted: TrustedProxies): ClientPeer {
  if (!address) return { address: undefined, trusted: false }
  // Only an IPv6 form can be a mapped IPv4 one: a dotted address is shown as it is, unparsed
  // (once per client request, before the cache answers it).
  const bytes = address.includes(':') ? parseIp(address) : undefined
  const shown = bytes?.length === 4 ? bytes.join('.') : address
  return { address: shown, trusted: isTrusted(address) }
}

/**
 * Sets the forwarding fields of a request to the origin, in place. `clientUrl` is the
 * request as the gateway received it (its host and scheme).
 */
export function setForwardingHeaders(
  headers: Headers,
  clientUrl: URL,
  peer: ClientPeer | undefined
): void {
  headers.delete('forwarded')
  const proto = clientUrl.protocol.slice(0, -1)
  if (peer?.trusted) {
    const chain = headers.get('x-forwarded-for')
    if (peer.address)
      headers.set('x-forwarded-for', chain ? `${chain}, ${peer.address}` : peer.address)
    // The proxy in front saw the scheme and host the client used; keep what it says.
    if (!headers.has('x-forwarded-host')) headers.set('x-forwarded-host', clientUrl.host)
    if (!headers.has('x-forwarded-proto')) headers.set('x-forwarded-proto', proto)
    return
  }
  if (peer?.address) headers.set('x-forwarded-for', peer.address)
  else headers.delete('x-forwarded-for')
  // nginx's other common client-address field, and the ones CDNs set for their own client: from
  // a client (or, behind the gateway, a client of the CDN) they are just as forgeable; the
  // origin reads the address from X-Forwarded-For.
  for (const name of CLIENT_ADDRESS_FIELDS) headers.delete(name)
  headers.set('x-forwarded-host', clientUrl.host)
  headers.set('x-forwarded-proto', proto)
}
