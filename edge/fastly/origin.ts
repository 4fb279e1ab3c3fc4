/**
 * The pull path on Fastly: a route's request to its origin through the readthrough cache.
 * Each config origin is reached through the Fastly backend of the same name.
 *
 * A trusted request (Fanout calling back, `Grip-Sig` verified) keeps its `Grip-*` headers
 * and gets the origin's GRIP instructions back unchanged, for Fanout to act on (GRIP.md
 * §2.3). Any other request loses client-sent `Grip-*` headers, and an origin that answers it
 * with instructions gets a 502: only Fanout can hold a connection here.
 * @module
 */
import type { CacheOverride } from 'fastly:cache-override'
import type { OriginConfig, RouteConfig } from '../../src/config/types.ts'
import { GatewayError } from '../../src/errors.ts'
import { isGripResponse } from '../../src/grip/grip-response.ts'
import { originHeaders, originUrl } from '../../src/proxy/origin-target.ts'
import { type CacheMode, cacheOverrideFor, isHooksUnsupported } from './cache-policy.ts'

/** `RequestInit` with the Fastly fields this module sets (globals of @fastly/js-compute 3.46). */
export type FastlyRequestInit = RequestInit & { backend: string; cacheOverride?: CacheOverride }

/** `fetch` as Fastly extends it; injected so tests record calls instead of stubbing globals. */
export type FastlyFetch = (url: string, init: FastlyRequestInit) => Promise<Response>

/** The route, and the origin (= backend name) it names. */
export interface PullTarget {
  route: RouteConfig
  originName: string
  origin: OriginConfig
}

/** Sends pulls to origins. */
export interface FastlyOrigin {
  pull(request: Request, target: PullTarget, trusted: boolean): Promise<Response>
}

/** Fields only the edge reads; clients never see them (README, "Caching"). */
const EDGE_ONLY = ['surrogate-key', 'cache-tag', 'surrogate-control', 'cdn-cache-control']

/** What Fastly says about a fetched response (js-compute 3.30+, with the HTTP cache API). */
type CacheFacts = { cached?: boolean | undefined; stale?: boolean | undefined }

/** `X-Cache` and `Cache-Status` (RFC 9211) from Fastly's own view, when it gives one. */
function markCache(headers: Headers, response: CacheFacts, passed: boolean): void {
  let outcome: [string, string] | undefined
  if (passed) outcome = ['BYPASS', 'fwd=bypass']
  else if (response.cached === true)
    outcome = response.stale ? ['STALE', 'hit; fwd=stale'] : ['HIT', 'hit']
  else if (response.cached === false) outcome = ['MISS', 'fwd=uri-miss']
  if (!outcome) return
  headers.set('x-cache', outcome[0])
  headers.set('cache-status', `gripgate; ${outcome[1]}`)
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new GatewayError('ORIGIN_TIMEOUT', 504, `${what} did not answer within ${ms} ms`)),
      ms
    )
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** Builds the pull path on an injected `fetch` (the global one on Fastly). */
export function createFastlyOrigin(
  fetchFn: FastlyFetch = (url, init) => fetch(url, init)
): FastlyOrigin {
  // Once the hooks are refused (build or service without the HTTP cache API), stop asking.
  let mode: CacheMode = 'hooks'

  async function send(request: Request, target: PullTarget, trusted: boolean): Promise<Response> {
    const clientUrl = new URL(request.url)
    const headers = originHeaders(request.headers, clientUrl, target.origin)
    if (!trusted) {
      const forged = [...headers.keys()].filter((name) => name.startsWith('grip-'))
      for (const name of forged) headers.delete(name)
    }
    const method = request.method
    const hasBody = method !== 'GET' && method !== 'HEAD' && request.body !== null
    const url = originUrl(target.origin, clientUrl).toString()
    const init = (cacheMode: CacheMode): FastlyRequestInit => ({
      method,
      headers,
      backend: target.originName,
      cacheOverride: cacheOverrideFor(method, target.route.cache, cacheMode),
      ...(hasBody ? { body: request.body } : {}),
    })
    const what = `origin "${target.originName}" (${target.origin.url})`
    try {
      return await withTimeout(fetchFn(url, init(mode)), target.origin.timeoutMs, what)
    } catch (error) {
      if (error instanceof GatewayError) throw error
      // A GET/HEAD has no body to replay, so it can be sent again without the hooks.
      if (mode === 'hooks' && isHooksUnsupported(error) && !hasBody) {
        mode = 'host'
        return withTimeout(fetchFn(url, init(mode)), target.origin.timeoutMs, what)
      }
      throw new GatewayError('ORIGIN_UNREACHABLE', 502, `${what} could not be reached`, {
        cause: error,
      })
    }
  }

  return {
    async pull(request, target, trusted) {
      const response = await send(request, target, trusted)
      if (!trusted && isGripResponse(response.status, response.headers)) {
        await response.body?.cancel()
        throw new GatewayError(
          'GRIP_NOT_HANDED_OFF',
          502,
          `origin "${target.originName}" answered ${clientPath(request)} with GRIP instructions, but the request was not handed to Fanout; mark route "${target.route.path}" "realtime": true`
        )
      }
      const headers = new Headers(response.headers)
      for (const name of EDGE_ONLY) headers.delete(name)
      const passed =
        target.route.cache === false || (request.method !== 'GET' && request.method !== 'HEAD')
      markCache(headers, response as CacheFacts, passed)
      // A new Response rather than Response.clone(), which js-compute 3.46 lacks (#901).
      return new Response(response.body, {
        status: response.status,
        statusText: response.statusText,
        headers,
      })
    },
  }
}

function clientPath(request: Request): string {
  return new URL(request.url).pathname
}
