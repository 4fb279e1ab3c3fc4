/**
 * The one place a publish key may travel in a URL: the request Pushpin's own `pushpin-publish`
 * sends for a GRIP URL. It appends `/publish/` to its `--spec` string as written, so
 * `--spec 'http://127.0.0.1:8080/?iss=realm&key=K'` becomes `POST /?iss=realm&key=K/publish/`:
 * the publish path's base as the path, and the GRIP URL's query followed by `/publish/`. It
 * sends no `Authorization` over plain HTTP ("Authentication requires https"), so this is the
 * only way to give it a key. GRIP libraries (js-grip and the others) take the key out of the
 * GRIP URL and send it as `Authorization: Bearer` to `/publish/`, which needs nothing here.
 *
 * A key in a URL ends up in shell history and in logs, so the gateway takes it only from a
 * client on its own machine (a loopback address), where Pushpin allows a publish with no key at
 * all (GRIP.md §8.5). docs/security.md, "Publish keys".
 * @module
 */
import { inCidr, parseCidr, parseIp } from '../http/ip.ts'

/** What pushpin-publish's suffix looks like at the end of the query. */
const SUFFIX = '/publish/'

/** The credentials of a `pushpin-publish` request: `key` absent when its GRIP URL had none. */
export interface UrlKey {
  key: string | undefined
}

/**
 * The GRIP URL credentials of a request in pushpin-publish's form for `publishPath`, or
 * undefined when the request is not in that form (a GRIP URL with a trailing slash and no
 * query is in it too, without a key). Only a publish path ending in `publish/`
 * (the default `/publish/`) has such a form: its base is the rest (`/`).
 */
export function pushpinPublishKey(url: URL, publishPath: string): UrlKey | undefined {
  // Every request is asked: most answer no here, before any parsing.
  if (!url.search.endsWith(SUFFIX) && !url.pathname.endsWith(`/${SUFFIX}`)) return undefined
  const base = /^(.*\/)publish\/?$/.exec(publishPath)?.[1]
  if (base === undefined) return undefined
  // A GRIP URL ending in a slash and without a query: `--spec http://h:p/` → `POST //publish/`.
  if (url.pathname === `${base}${SUFFIX}` && url.search === '') return { key: undefined }
  if (url.pathname !== base || !url.search.endsWith(SUFFIX)) return undefined
  const query = new URLSearchParams(url.search.slice(1, -SUFFIX.length))
  return { key: query.get('key') ?? undefined }
}

const LOOPBACK = [parseCidr('127.0.0.0/8'), parseCidr('::1')].flatMap((range) =>
  range.ok ? [range.value] : []
)

/** Whether `address` (a socket's peer) is this machine: 127.0.0.0/8, ::1, or them IPv4-mapped. */
export function isLoopback(address: string | undefined): boolean {
  const bytes = address === undefined ? undefined : parseIp(address)
  return bytes !== undefined && LOOPBACK.some((range) => inCidr(bytes, range))
}
