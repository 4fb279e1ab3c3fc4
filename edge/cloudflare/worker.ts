/**
 * The Worker's fetch handler: parses the config and builds the gateway once per isolate,
 * then hands every request to the shared Hono app from `createGateway`.
 * @module
 */
import type { ConfigProblem } from '../../src/config/types.ts'
import { GatewayError } from '../../src/errors.ts'
import { createGateway, type Gateway } from '../../src/gateway.ts'
import { MetricsLogReporter } from '../../src/metrics/log-reporter.ts'
import { CountingMetrics } from '../../src/metrics/metrics.ts'
import type { Result } from '../../src/result.ts'
import { configFromEnv } from './config.ts'
import type { GatewayEnv } from './env.ts'
import { workersLogger } from './logger.ts'
import {
  cloudflarePlatform,
  metricsLogInterval,
  type PlatformExtras,
  workersClock,
} from './platform.ts'

/** An isolate's gateway and, unless turned off, its metric log lines. */
interface Built {
  gateway: Gateway
  reporter: MetricsLogReporter | undefined
}

/** How the entry completes the platform. */
export interface WorkerOptions {
  /** The fanout tier and WebSocket acceptor (edge/cloudflare/fanout/); absent: the embedded tier. */
  extras?: (env: GatewayEnv) => PlatformExtras
}

/** A module Worker's handler. */
export interface GatewayWorker {
  fetch(request: Request, env: GatewayEnv, ctx: ExecutionContext): Promise<Response>
}

/** Builds the Worker's handler; the gateway is made on the first request of each isolate. */
export function createWorker(options: WorkerOptions = {}): GatewayWorker {
  // Keyed by env: the same object for every request of an isolate, a new one in tests.
  const built = new WeakMap<GatewayEnv, Result<Built, ConfigProblem[]>>()
  const gatewayFor = (env: GatewayEnv) => {
    let gateway = built.get(env)
    if (!gateway) {
      gateway = buildGateway(env, options)
      built.set(env, gateway)
    }
    return gateway
  }
  return {
    async fetch(request, env, ctx) {
      const gateway = gatewayFor(env)
      if (!gateway.ok) {
        return new GatewayError(
          'CONFIG_INVALID',
          500,
          `GRIPGATE_CONFIG has ${gateway.error.length} problem(s)`,
          { extras: { problems: gateway.error } }
        ).getResponse()
      }
      const { app } = gateway.value.gateway
      const response = withRawEncoding(await app.fetch(request, env, ctx))
      const reporter = gateway.value.reporter
      if (reporter) ctx.waitUntil(reporter.afterRequest().catch(() => {}))
      return response
    },
  }
}

function buildGateway(env: GatewayEnv, options: WorkerOptions): Result<Built, ConfigProblem[]> {
  const config = configFromEnv(env)
  const logger = workersLogger(env.GRIPGATE_LOG)
  if (!config.ok) {
    logger.error('invalid GRIPGATE_CONFIG', { problems: config.error })
    return config
  }
  // workerd sends the URL's host as Host whatever the request says (origin.ts).
  for (const [name, origin] of Object.entries(config.value.origins)) {
    if (origin.hostHeader)
      logger.warn('hostHeader is not supported on Workers: Host is the origin URL host', { name })
  }
  const metrics = new CountingMetrics()
  const platform = cloudflarePlatform({
    env,
    config: config.value,
    metrics,
    ...options.extras?.(env),
  })
  const gateway = createGateway(platform, config.value)
  const intervalMs = metricsLogInterval(env.GRIPGATE_METRICS_LOG_MS)
  // The held connections are counted in the channel holders (Durable Objects), which
  // /_gripgate/stats asks; a log line reads this isolate's counters only.
  const reporter =
    intervalMs === undefined
      ? undefined
      : new MetricsLogReporter({
          counts: metrics,
          sources: async () => ({ tier: {}, cache: gateway.pullPath.stats() }),
          logger,
          now: () => workersClock.now(),
          intervalMs,
        })
  return { ok: true, value: { gateway, reporter } }
}

/**
 * Bodies with a `Content-Encoding` are already encoded (the origin is fetched with
 * `encodeResponseBody: 'manual'`); without `encodeBody: 'manual'` workerd would encode
 * them again because of the header.
 */
function withRawEncoding(response: Response): Response {
  if (response.status === 101 || response.webSocket || !response.headers.has('content-encoding'))
    return response
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    encodeBody: 'manual',
  })
}
