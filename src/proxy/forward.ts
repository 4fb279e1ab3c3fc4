/**
 * Binds a client request to its origin for the pull cache. The URL and header rules live in
 * `origin-target.ts`, re-exported here for existing callers.
 * @module
 */

import type { Forward } from '../cache/fill.ts'
import { DEFAULT_IDLE_TIMEOUT_MS } from '../config/schema.ts'
import type { OriginConfig } from '../config/types.ts'
import { withIdleTimeout } from '../http/idle-timeout.ts'
import type { Metrics } from '../metrics/metrics.ts'
import {
  type Clock,
  type Logger,
  type Origin,
  OriginTimeoutError,
  OriginUnreachableError,
} from '../platform.ts'
import type { ClientPeer } from './forwarding.ts'
import { originHeaders, originUrl } from './origin-target.ts'

export { originHeaders, originUrl, VIA } from './origin-target.ts'

/** Who the request is forwarded for, the origin's config name, and where stalls are logged. */
export interface ForwardContext {
  /** The client's peer, for `X-Forwarded-For`. */
  peer?: ClientPeer | undefined
  /** The origin's name in the config, the only part of an origin failure a client sees. */
  name?: string
  /** Hears an origin that stalled mid-body (the client's response is aborted). */
  logger?: Pick<Logger, 'warn'> | undefined
  /** Times the idle timeout (the platform's Clock); real timers when absent. */
  clock?: Pick<Clock, 'schedule'> | undefined
  /** Counts the request by origin and status class, with its time to the response head. */
  metrics?: Metrics | undefined
  /** Reads the time for `metrics` (the platform's Clock); `Date.now` when absent. */
  now?: (() => number) | undefined
}

/**
 * Binds a client request to its origin, giving the cache a way to reach it. Every origin
 * request of the gateway (fills, revalidations, bypasses, GRIP replays and next links,
 * WebSocket-over-HTTP) is sent from here, so the framing and forwarding rules and the idle
 * timeout on the answer's body hold for all of them.
 */
export function forwarderFor(
  origin: Origin,
  config: OriginConfig,
  request: Request,
  prepare?: (headers: Headers) => Promise<void>,
  context: ForwardContext = {}
): Forward {
  const idleMs = config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS
  // Worked out at the first origin request: a request the cache answers makes none.
  let urls: { clientUrl: URL; target: URL } | undefined
  return async ({ method, headers, body, cache }) => {
    if (!urls) {
      const clientUrl = new URL(request.url)
      urls = { clientUrl, target: originUrl(config, clientUrl) }
    }
    const { clientUrl, target } = urls
    // GET and HEAD bodies have no meaning (RFC 9110 §9.3.1) and are never sent.
    const withBody = !!body && method !== 'GET' && method !== 'HEAD'
    const outgoing = originHeaders(headers, clientUrl, config, {
      body: withBody,
      peer: context.peer,
    })
    await prepare?.(outgoing)
    const init: RequestInit & { duplex?: 'half' } = {
      method,
      headers: outgoing,
      redirect: 'manual',
    }
    if (withBody) {
      init.body = body
      init.duplex = 'half'
    }
    let response: Response
    const metrics = context.metrics
    const started = metrics ? (context.now ?? Date.now)() : 0
    const name = context.name ?? ''
    try {
      const hints = {
        ...(context.name !== undefined ? { name: context.name } : {}),
        ...(cache !== undefined ? { cache } : {}),
      }
      response = await origin.fetch(new Request(target, init), config, hints)
    } catch (error) {
      metrics?.originResponse(name, 0, ((context.now ?? Date.now)() - started) / 1000)
      if (error instanceof OriginUnreachableError || error instanceof OriginTimeoutError)
        error.origin ??= context.name
      throw error
    }
    metrics?.originResponse(name, response.status, ((context.now ?? Date.now)() - started) / 1000)
    return withIdleTimeout(
      response,
      idleMs,
      () => {
        const error = new OriginTimeoutError(
          `origin ${config.url} sent nothing for ${idleMs} ms mid-body`,
          { origin: context.name }
        )
        context.logger?.warn('origin stalled mid-body', {
          origin: context.name,
          url: target.href,
          error: error.message,
        })
        return error
      },
      context.clock && ((ms, fn) => context.clock!.schedule(ms, fn))
    )
  }
}
