/**
 * The seams between the platform-neutral core and each platform (ARCHITECTURE.md, "Seams").
 * Types only: every platform in edge/ supplies these, and tests supply fakes that pass the
 * same contract suites.
 * @module
 */

import type { Context } from 'hono'
import type { AdminHooks } from './admin/admin-route.ts'
import type { PullPath } from './cache/pull-path.ts'
import type { CacheStore } from './cache/store.ts'
import type { GatewayConfig, OriginConfig, RouteCacheConfig } from './config/types.ts'
import type { FanoutTier } from './fanout.ts'
import type { HeldStreamOpener } from './held-stream.ts'
import type { Metrics } from './metrics/metrics.ts'
import type { Purger } from './purge/purger.ts'
import type { WebSocketAcceptor } from './ws-socket.ts'

/** Wall-clock time, injectable so tests can move it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /**
   * Runs `fn` once after `ms` milliseconds; returns a function that cancels it.
   * Timers must not keep a process alive on their own (Node: unref'd).
   */
  schedule(ms: number, fn: () => void): () => void
}

/** Structured logging; fields are plain JSON values. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

/**
 * Sends one request to a named origin. The request URL already points at the origin.
 * Implementations must not decode content codings (a proxy forwards bytes as they are),
 * must reject with `OriginUnreachableError` when no connection can be made and
 * `OriginTimeoutError` when `origin.timeoutMs` passes before the response head arrives.
 * Error messages may name the origin's URL and the socket error: they are for the log only.
 * The idle timeout on the body is applied by the caller (`forwarderFor`), not here.
 * An implementation that already holds the whole body when it answers may mark the answer
 * (`markWholeBody`, src/http/whole-body.ts): the gateway then takes the bytes as they are.
 */
export interface Origin {
  fetch(request: Request, origin: OriginConfig, hints?: OriginHints): Promise<Response>
}

/**
 * What an origin fetch is for, for platforms whose fetch does more than send (Fastly: the
 * backend is named after the origin, and the readthrough cache takes per-request settings).
 */
export interface OriginHints {
  /** The origin's name in the config. */
  name?: string
  /** How the edge cache may keep the answer; absent means not at all (a pass). */
  cache?: RouteCacheConfig
}

/** Work that may continue after the response is sent (`ctx.waitUntil` on the edge). */
export type WaitUntil = (work: Promise<unknown>) => void

/**
 * The bundle of seams a platform hands to `createGateway`: its cache strategy (`store` under
 * the core's cache, or a `pullPath` of its own), its fanout tier (absent: embedded), its
 * origin, clock, logger and background work. Nothing else differs between platforms.
 */
export interface Platform {
  origin: Origin
  /** Where the core's RFC 9111 cache keeps responses (Node: memory; Workers: Cache API). */
  store?: CacheStore
  /** A cache the platform runs itself (Fastly's readthrough); used instead of `store`. */
  pullPath?: (config: GatewayConfig) => PullPath
  /**
   * Wraps the purger of this gateway's own cache, to purge more than it (every node of a
   * cluster); absent means the cache's own purger.
   */
  purger?: (local: Purger) => Purger
  clock: Clock
  logger: Logger
  waitUntil: WaitUntil
  /** Completes client WebSocket upgrades; absent where the platform cannot hold sockets. */
  websocket?: WebSocketAcceptor
  /** Writes held streams straight to the platform's sockets; absent means web streams. */
  streams?: HeldStreamOpener
  /** Builds the fanout tier; absent means the embedded, in-process one. */
  fanout?: (config: GatewayConfig) => FanoutTier
  /**
   * The address of the peer that sent the request (Node: the socket's; Workers:
   * `CF-Connecting-IP`), for `X-Forwarded-For`; absent or undefined when unknown.
   */
  clientAddress?: (c: Context) => string | undefined
  /** Counts origin requests, publishes and purges (src/metrics/); absent: not counted. */
  metrics?: Metrics
  /** Readiness and the metrics export for the admin endpoints; absent: always ready, no /metrics. */
  admin?: AdminHooks
}

/** The origin could not be reached (connection refused, DNS, reset before the head). */
export class OriginUnreachableError extends Error {
  /** The origin's name in the config: all a client is told (`originFailure`). */
  origin: string | undefined
  constructor(message: string, options?: { cause?: unknown; origin?: string }) {
    super(message, options)
    this.name = 'OriginUnreachableError'
    this.origin = options?.origin
  }
}

/**
 * The origin did not send a response head within its timeout, or went quiet mid-body for
 * longer than its idle timeout.
 */
export class OriginTimeoutError extends Error {
  /** The origin's name in the config: all a client is told (`originFailure`). */
  origin: string | undefined
  constructor(message: string, options?: { cause?: unknown; origin?: string }) {
    super(message, options)
    this.name = 'OriginTimeoutError'
    this.origin = options?.origin
  }
}
