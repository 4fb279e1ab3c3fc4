/**
 * A client's own cache directives (issue #12 item 13). RFC 9111 §5.2.1 lets a request say
 * `Cache-Control: no-cache`, `max-age=0`, `min-fresh`, `max-stale` or `no-store` (and
 * `Pragma: no-cache`, §5.4), and a private cache should obey. A shared edge that obeys them
 * lets any client send every request to the origin, so CDNs (Fastly, Cloudflare, nginx's
 * `proxy_cache`, Varnish) ignore them by default; gripgate does too unless
 * `cache.requestDirectives` is `"honor"`. Ignoring means the cache decisions (freshness,
 * storing, collapsing, the quick path) never see those fields; the request forwarded to the
 * origin on a miss keeps them.
 * @module
 */
import type { RequestDirectivesMode } from '../config/types.ts'

/** The request fields that carry cache directives (RFC 9111 §5.2.1, §5.4). */
const DIRECTIVE_FIELDS = ['cache-control', 'pragma'] as const

/**
 * The request headers (lowercase record) the cache decisions read under `mode`: as given for
 * `honor`, without `Cache-Control` and `Pragma` for `ignore`. Returns `headers` itself when
 * nothing is removed, and a copy otherwise.
 */
export function decisionHeaders(
  headers: Record<string, string>,
  mode: RequestDirectivesMode
): Record<string, string> {
  if (mode === 'honor') return headers
  if (!DIRECTIVE_FIELDS.some((name) => headers[name] !== undefined)) return headers
  const out = { ...headers }
  for (const name of DIRECTIVE_FIELDS) delete out[name]
  return out
}
