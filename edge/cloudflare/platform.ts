/**
 * The Cloudflare platform: the core's seams on Workers APIs. Built once per isolate (the
 * config cannot change within one), so nothing here may hold request-bound I/O objects:
 * Durable Object stubs are made per call and `waitUntil` finds the current request itself.
 * @module
 */
import { waitUntil } from 'cloudflare:workers'
import type { GatewayConfig } from '../../src/config/types.ts'
import type { Metrics } from '../../src/metrics/metrics.ts'
import type { Clock, Platform, WaitUntil } from '../../src/platform.ts'
import { scheduleChained } from '../../src/timers.ts'
import { CacheApiStore, type TagIndexClient } from './cache-store.ts'
import { cloudflareClientAddress } from './client-address.ts'
import type { GatewayEnv } from './env.ts'
import { workersLogger } from './logger.ts'
import { WorkersOrigin } from './origin.ts'
import { zonePurgerFrom } from './purger.ts'

const setTimer = (ms: number, fn: () => void) => setTimeout(fn, ms)

/** Wall time and plain timers (the Clock seam); long delays are chained (src/timers.ts). */
export const workersClock: Clock = {
  now: () => Date.now(),
  schedule: (ms, fn) => scheduleChained(setTimer, clearTimeout, ms, fn),
}

/** Parts of the platform another module supplies (the fanout tier of edge/cloudflare/fanout/). */
export type PlatformExtras = Pick<Platform, 'fanout' | 'websocket'>

/** The metric log interval of `GRIPGATE_METRICS_LOG_MS`: ms, or undefined for `off`. */
export function metricsLogInterval(value: string | undefined): number | undefined {
  const text = value?.trim()
  if (text === 'off') return undefined
  const ms = Number(text)
  return text && Number.isFinite(ms) && ms >= 0 ? ms : 60_000
}

/** What the Cloudflare platform is built from; the defaults are the Workers globals. */
export interface CloudflarePlatformOptions extends PlatformExtras {
  env: GatewayEnv
  config: GatewayConfig
  cache?: Cache
  fetch?: typeof fetch
  waitUntil?: WaitUntil
  /** Counts origin requests, publishes and purges for the metric log lines. */
  metrics?: Metrics
}

/** The cache namespace in use: `GRIPGATE_CACHE_NAMESPACE`, or `default`. */
export function cacheNamespace(env: GatewayEnv): string {
  return env.GRIPGATE_CACHE_NAMESPACE?.trim() || 'default'
}

/** The `TagIndex` of `namespace`, reached through a fresh stub on every call. */
export function tagIndexClient(env: GatewayEnv, namespace: string): TagIndexClient {
  const stub = () => env.TAGS.get(env.TAGS.idFromName(namespace))
  return {
    mark: () => stub().mark(),
    register: (url, keys, until, mark, replaces) =>
      stub().register(url, keys, until, mark, replaces),
    forget: (urls) => stub().forget(urls),
    take: (keys, soft, now) => stub().take(keys, soft, now),
  }
}

/** Builds the platform for `createGateway`. */
export function cloudflarePlatform(options: CloudflarePlatformOptions): Platform {
  const { env, config } = options
  // The global fetch must be called unbound-safe: `fetch` taken off an object throws
  // "Illegal invocation" in workerd.
  const fetcher = options.fetch ?? ((input, init) => fetch(input, init))
  const logger = workersLogger(env.GRIPGATE_LOG)
  const keepAlive = options.waitUntil ?? waitUntil
  const namespace = cacheNamespace(env)
  return {
    origin: new WorkersOrigin(fetcher),
    store: new CacheApiStore({
      cache: options.cache ?? caches.default,
      index: tagIndexClient(env, namespace),
      namespace,
      maxObjectBytes: config.cache.maxObjectBytes,
      clock: workersClock,
      logger,
      waitUntil: keepAlive,
      zonePurger: zonePurgerFrom(env, fetcher),
    }),
    clock: workersClock,
    logger,
    waitUntil: keepAlive,
    fanout: options.fanout,
    websocket: options.websocket,
    clientAddress: (c) => cloudflareClientAddress(c.req.raw.headers),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  }
}
