/**
 * Header helpers shared by the proxy and the cache.
 * @module
 */

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): meaningful for one connection only, so a proxy
 * never forwards them. `proxy-connection` and `keep-alive` are legacy but still seen.
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/** Whether `lowerName` is a hop-by-hop field (RFC 9110 §7.6.1), not counting `Connection` names. */
export function isHopByHop(lowerName: string): boolean {
  return HOP_BY_HOP.has(lowerName)
}

/** Splits a comma-separated list field into trimmed, non-empty tokens. */
export function splitList(value: string | null | undefined): string[] {
  if (!value) return []
  return value
    .split(',')
    .map((token) => token.trim())
    .filter((token) => token.length > 0)
}

/**
 * Returns a copy of `headers` without hop-by-hop fields, including every field named
 * by `Connection` (RFC 9110 §7.6.1).
 */
export function withoutHopByHop(headers: Headers): Headers {
  const out = new Headers(headers)
  for (const name of splitList(headers.get('connection'))) out.delete(name)
  for (const name of HOP_BY_HOP) out.delete(name)
  return out
}

/** Converts `Headers` into the lowercase record that http-cache-semantics expects. */
export function toRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {}
  headers.forEach((value, name) => {
    record[name] = value
  })
  // Headers#forEach joins repeated fields with ", " except Set-Cookie, which must stay separate.
  const cookies = headers.getSetCookie?.() ?? []
  if (cookies.length > 1) record['set-cookie'] = cookies.join('\n')
  return record
}

/** Header pairs as stored in a cache entry; Set-Cookie stays one pair per cookie. */
export type HeaderPairs = Array<[string, string]>

/** Flattens `Headers` into pairs (Set-Cookie kept as separate pairs). */
export function toPairs(headers: Headers): HeaderPairs {
  const pairs: HeaderPairs = []
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') pairs.push([name, value])
  })
  for (const cookie of headers.getSetCookie?.() ?? []) pairs.push(['set-cookie', cookie])
  return pairs
}

/** Rebuilds `Headers` from stored pairs. */
export function fromPairs(pairs: HeaderPairs): Headers {
  const headers = new Headers()
  for (const [name, value] of pairs) headers.append(name, value)
  return headers
}
