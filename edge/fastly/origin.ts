/**
 * The `Origin` seam on Fastly: each config origin is reached through the Fastly backend of
 * the same name, and the readthrough cache is set per request from the route's `cache`
 * (`OriginHints`): Fastly's cache sits inside this fetch (readthrough.ts).
 *
 * The timeout is raced here, as js-compute's fetch takes none per request; the backend's own
 * connect and between-bytes timeouts (set on the backend) apply as well.
 * @module
 */
import type { CacheOverride } from 'fastly:cache-override'
import type { OriginConfig } from '../../src/config/types.ts'
import {
  type Origin,
  type OriginHints,
  OriginTimeoutError,
  OriginUnreachableError,
} from '../../src/platform.ts'
import { type CacheMode, cacheOverrideFor, isHooksUnsupported } from './cache-policy.ts'

/** `RequestInit` with the Fastly fields this module sets (globals of @fastly/js-compute 3.46). */
export type FastlyRequestInit = RequestInit & { backend: string; cacheOverride?: CacheOverride }

/** `fetch` as Fastly extends it; injected so tests record calls instead of stubbing globals. */
export type FastlyFetch = (url: string, init: FastlyRequestInit) => Promise<Response>

/** What Fastly says about a fetched response (js-compute 3.30+, with the HTTP cache API). */
type CacheFacts = { cached?: boolean | undefined; stale?: boolean | undefined }

/**
 * `X-Cache` and `Cache-Status` (RFC 9211) from Fastly's own view, when it gives one: the
 * facts live on the fetched response object only, so they are written down here, before any
 * later step copies the response.
 */
function cacheFields(response: CacheFacts, passed: boolean): [string, string] | undefined {
  if (passed) return ['BYPASS', 'fwd=bypass']
  if (response.cached === true) return response.stale ? ['STALE', 'hit; fwd=stale'] : ['HIT', 'hit']
  if (response.cached === false) return ['MISS', 'fwd=uri-miss']
  return undefined
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string, name?: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OriginTimeoutError(message, name !== undefined ? { origin: name } : {})),
      ms
    )
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** Builds the origin on an injected `fetch` (the global one on Fastly). */
export function createFastlyOrigin(fetchFn: FastlyFetch = (url, init) => fetch(url, init)): Origin {
  // Once the hooks are refused (build or service without the HTTP cache API), stop asking.
  let mode: CacheMode = 'hooks'

  return {
    async fetch(request: Request, origin: OriginConfig, hints: OriginHints = {}) {
      const { name } = hints
      if (name === undefined) {
        throw new OriginUnreachableError('a Fastly origin fetch needs the origin (backend) name')
      }
      const method = request.method
      const hasBody = method !== 'GET' && method !== 'HEAD' && request.body !== null
      const cache = hints.cache ?? false
      const init = (cacheMode: CacheMode): FastlyRequestInit => ({
        method,
        headers: request.headers,
        backend: name,
        cacheOverride: cacheOverrideFor(method, cache, cacheMode),
        ...(hasBody ? { body: request.body } : {}),
      })
      const late = `origin ${origin.url} (backend "${name}") sent no response head within ${origin.timeoutMs} ms`
      let response: Response
      try {
        response = await withTimeout(fetchFn(request.url, init(mode)), origin.timeoutMs, late, name)
      } catch (error) {
        if (error instanceof OriginTimeoutError) throw error
        // A GET/HEAD has no body to replay, so it can be sent again without the hooks.
        if (mode === 'hooks' && isHooksUnsupported(error) && !hasBody) {
          mode = 'host'
          return this.fetch(request, origin, hints)
        }
        throw new OriginUnreachableError(
          `origin ${origin.url} (backend "${name}"): ${error instanceof Error ? error.message : String(error)}`,
          { cause: error, origin: name }
        )
      }
      const passed = cache === false || (method !== 'GET' && method !== 'HEAD')
      const fields = cacheFields(response as CacheFacts, passed)
      if (!fields) return response
      // A new Response rather than Response.clone(), which js-compute 3.46 lacks (#901).
      const headers = new Headers(response.headers)
      headers.set('x-cache', fields[0])
      headers.set('cache-status', `gripgate; ${fields[1]}`)
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      })
    },
  }
}
