/**
 * The `Origin` seam on Workers: `fetch` with a timeout on the response head.
 *
 * workerd quirks (checked with wrangler 4.86 / workerd 2026-04-26):
 * - `fetch` decodes `Content-Encoding: gzip|br` bodies by default yet keeps the header (and
 *   the encoded `Content-Length`); a proxy must forward bytes as they are, so this asks for
 *   `encodeResponseBody: 'manual'`, and the entry sends such bodies with
 *   `encodeBody: 'manual'` (worker.ts) so they are not encoded a second time.
 * - The `Host` header of a subrequest is always the URL's host: the client's Host and
 *   `origins.<name>.hostHeader` cannot be sent (the client's host still goes as
 *   `X-Forwarded-Host`). Point the origin URL at the name the origin expects.
 * - `cache: 'no-store'` would add `Cache-Control: no-cache` and `Pragma: no-cache` to the
 *   request, so it is not used; see docs/cloudflare.md on the zone cache in front of origins.
 * - A refused connection rejects with "Network connection lost.", an unknown host with
 *   "internal error"; both are plain `Error`s, hence every non-abort failure is "unreachable".
 * @module
 */
import type { OriginConfig } from '../../src/config/types.ts'
import { type Origin, OriginTimeoutError, OriginUnreachableError } from '../../src/platform.ts'

/** `Origin` over a Workers `fetch` (injected for tests; the global one by default). */
export class WorkersOrigin implements Origin {
  readonly #fetch: typeof fetch

  constructor(fetcher: typeof fetch = (input, init) => fetch(input, init)) {
    this.#fetch = fetcher
  }

  async fetch(request: Request, origin: OriginConfig): Promise<Response> {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), origin.timeoutMs)
    try {
      return await this.#fetch(request, {
        signal: abort.signal,
        redirect: 'manual',
        encodeResponseBody: 'manual',
      })
    } catch (error) {
      if (abort.signal.aborted) {
        throw new OriginTimeoutError(
          `origin ${origin.url} did not answer within ${origin.timeoutMs} ms`
        )
      }
      const reason = error instanceof Error ? error.message : String(error)
      throw new OriginUnreachableError(`origin ${origin.url} unreachable: ${reason}`, {
        cause: error,
      })
    } finally {
      // The timeout covers the response head only (Origin contract): a long stream may go on.
      clearTimeout(timer)
    }
  }
}
