/**
 * The Fastly platform: its seams for `createGateway` (readthrough cache, purge hostcall,
 * Fastly Fanout, backends as origins), and the app that builds the gateway once the settings
 * are loaded. Settings come from stores that are readable only while a request is handled
 * (js-compute 3.46 refuses them during the wizer build), so the gateway is built on the
 * first request, once per settings object.
 * @module
 */
import { type Context, Hono } from 'hono'
import type { ConfigProblem } from '../../src/config/types.ts'
import { GatewayError, problemResponse } from '../../src/errors.ts'
import { createGateway, type Gateway } from '../../src/gateway.ts'
import { gripSigState } from '../../src/grip/fanout-sig.ts'
import { MetricsLogReporter } from '../../src/metrics/log-reporter.ts'
import type { CountingMetrics } from '../../src/metrics/metrics.ts'
import type { Clock, Logger, Platform } from '../../src/platform.ts'
import type { Purger } from '../../src/purge/purger.ts'
import type { Result } from '../../src/result.ts'
import { type ForwardItems, fastlyFanout } from './fanout.ts'
import { createFastlyOrigin, type FastlyFetch } from './origin.ts'
import { readthroughPullPath } from './readthrough.ts'
import type { FastlySettings, PublishApiSettings } from './settings.ts'

/** The seams of the Fastly app; `main.ts` passes the real ones, tests pass shims. */
export interface FastlyAppDeps {
  /** The settings, loaded on first use (stores are readable only while handling a request). */
  settings: () => Promise<Result<FastlySettings, ConfigProblem[]>>
  /** The origin fetch (backends, with the readthrough cache). */
  fetch: FastlyFetch
  purger: Purger
  /** `createFanoutHandoff` with the request exactly as the client sent it. */
  handOff: (request: Request, backend: string) => Response
  /** Builds the publish forwarder for the configured publish API. */
  forwarder: (api: PublishApiSettings | undefined) => ForwardItems
  logger: Logger
  now?: () => number
  /**
   * The client's address (`event.client.address`), for `X-Forwarded-For`. On a Fanout
   * callback it is Fanout's: list its addresses in `trustedProxies` only if Fanout is known
   * to write `X-Forwarded-For` itself, as nothing else vouches for the chain it carries.
   */
  clientAddress?: (c: Context) => string | undefined
  /**
   * Counts origin requests, publishes and purges; each request that counted something is
   * followed by one `metrics` log line (docs/fastly.md, "Metrics"). Absent: no counting.
   */
  metrics?: CountingMetrics
}

/** The platform for one loaded settings object. */
export function fastlyPlatform(settings: FastlySettings, deps: FastlyAppDeps): Platform {
  const now = deps.now ?? Date.now
  const clock: Clock = {
    now,
    schedule(ms, fn) {
      const timer = setTimeout(fn, ms)
      return () => clearTimeout(timer)
    },
  }
  const front = {
    callback: (headers: Headers) => gripSigState(headers, settings.trust, now()),
    handOff: (request: Request) => deps.handOff(request, settings.fanoutBackend),
  }
  return {
    origin: createFastlyOrigin(deps.fetch),
    pullPath: () => readthroughPullPath(deps.purger),
    fanout: () => fastlyFanout(front, deps.forwarder(settings.publishApi)),
    clock,
    logger: deps.logger,
    // Nothing on this platform's path defers work: Fastly's cache stores inside the fetch.
    waitUntil: (work) => {
      work.catch((error: unknown) =>
        deps.logger.warn('background work failed', { error: String(error) })
      )
    },
    ...(deps.clientAddress ? { clientAddress: deps.clientAddress } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  }
}

/** Builds the Fastly app: settings first, then the one gateway for them. */
export function createFastlyApp(deps: FastlyAppDeps): Hono {
  const gateways = new WeakMap<FastlySettings, Gateway>()
  const metrics = deps.metrics
  // Fastly runs each request in a fresh instance: a line after every request that counted.
  const reporter =
    metrics &&
    new MetricsLogReporter({
      counts: metrics,
      sources: async () => ({ tier: {}, cache: {} }),
      logger: deps.logger,
      now: deps.now ?? Date.now,
      intervalMs: 0,
    })
  const app = new Hono()
  app.all('*', async (c) => {
    const loaded = await deps.settings()
    if (!loaded.ok) {
      throw new GatewayError('CONFIG_INVALID', 500, 'the bundled gripgate config does not parse', {
        extras: { problems: loaded.error },
      })
    }
    let gateway = gateways.get(loaded.value)
    if (!gateway) {
      gateway = createGateway(fastlyPlatform(loaded.value, deps), loaded.value.config)
      gateways.set(loaded.value, gateway)
    }
    // The original request and the FetchEvent (for the client's address) go on untouched.
    const response = await gateway.app.fetch(c.req.raw, c.env, executionContext(c))
    await reporter?.afterRequest()
    return response
  })
  app.onError((error, c) => {
    if (error instanceof GatewayError) return error.getResponse()
    deps.logger.error('unhandled error', { path: c.req.path, error: String(error) })
    return problemResponse(500, { title: 'Internal gateway error', status: 500, code: 'INTERNAL' })
  })
  return app
}

/** Hono throws when a caller passed no execution context (a test, a local call). */
function executionContext(c: Context): Context['executionCtx'] | undefined {
  try {
    return c.executionCtx
  } catch {
    return undefined
  }
}
