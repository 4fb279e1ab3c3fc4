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
import { DEFAULT_IDLE_TIMEOUT_MS } from '../../src/config/schema.ts'
import type { OriginConfig, RouteConfig } from '../../src/config/types.ts'
import { GatewayError } from '../../src/errors.ts'
import { isGripResponse } from '../../src/grip/grip-response.ts'
import { idleTimeoutBody } from '../../src/http/idle-timeout.ts'
import type { ClientPeer } from '../../src/proxy/forwarding.ts'
import { originLabel } from '../../src/proxy/origin-label.ts'
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
  /** `peer` is the client the request is forwarded for (`X-Forwarded-For`). */
  pull(request: Request, target: PullTarget, trusted: boolean, peer?: ClientPeer): Promise<Response>
}

/** Where origin failures are logged (their detail names the origin's address). */
export type WarnLog = (message: string, fields: Record<string, unknown>) => void

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
      () => reject(new GatewayError('ORIGIN_TIMEOUT', 504, `${what} did not answer in time`)),
      ms
    )
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

/** Builds the pull path on an injected `fetch` (the global one on Fastly). */
export function createFastlyOrigin(
  fetchFn: FastlyFetch = (url, init) => fetch(url, init),
  warn: WarnLog = () => {}
): FastlyOrigin {
  // Once the hooks are refused (build or service without the HTTP cache API), stop asking.
  let mode: CacheMode = 'hooks'

  async function send(
    request: Request,
    target: PullTarget,
    trusted: boolean,
    peer: ClientPeer | undefined
  ): Promise<Response> {
    const clientUrl = new URL(request.url)
    const method = request.method
    const hasBody = method !== 'GET' && method !== 'HEAD' && request.body !== null
    const headers = originHeaders(request.headers, clientUrl, target.origin, {
      body: hasBody,
      peer,
    })
    if (!trusted) {
      const forged = [...headers.keys()].filter((name) => name.startsWith('grip-'))
      for (const name of forged) headers.delete(name)
    }
    const url = originUrl(target.origin, clientUrl).toString()
    const init = (cacheMode: CacheMode): FastlyRequestInit => ({
      method,
      headers,
      backend: target.originName,
      cacheOverride: cacheOverrideFor(method, target.route.cache, cacheMode),
      ...(hasBody ? { body: request.body } : {}),
    })
    // Clients are told the origin's name; its URL and the error are for the log only.
    const what = originLabel(target.originName)
    try {
      return await withTimeout(fetchFn(url, init(mode)), target.origin.timeoutMs, what)
    } catch (error) {
      if (error instanceof GatewayError) {
        warn('origin timed out', { origin: target.originName, url })
        throw error
      }
      // A GET/HEAD has no body to replay, so it can be sent again without the hooks.
      if (mode === 'hooks' && isHooksUnsupported(error) && !hasBody) {
        mode = 'host'
        return withTimeout(fetchFn(url, init(mode)), target.origin.timeoutMs, what)
      }
      warn('origin unreachable', { origin: target.originName, url, error: String(error) })
      throw new GatewayError('ORIGIN_UNREACHABLE', 502, `${what} could not be reached`, {
        cause: error,
      })
    }
  }

  /**
   * The idle timeout of `idleTimeoutMs` on a body the origin is still sending (a cached one
   * comes from Fastly's store). The backend's own between-bytes timeout (set on the backend,
   * not per request) applies as well: whichever is shorter ends a stall.
   */
  function guarded(response: Response, target: PullTarget): ReadableStream<Uint8Array> | null {
    if (!response.body || (response as CacheFacts).cached === true) return response.body
    const ms = target.origin.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
    return idleTimeoutBody(response.body, ms, () => {
      warn('origin stalled mid-body', { origin: target.originName, ms })
      return new GatewayError('ORIGIN_TIMEOUT', 504, `${originLabel(target.originName)} stalled`)
    })
  }

  return {
    async pull(request, target, trusted, peer) {
      const response = await send(request, target, trusted, peer)
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
      return new Response(guarded(response, target), {
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
