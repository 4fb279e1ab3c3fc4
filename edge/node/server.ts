/**
 * The gateway on Node: the embedded default (in-memory cache, in-process seams) served
 * by @hono/node-server, with graceful shutdown.
 * @module
 */

import {
  createServer,
  type RequestListener,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { createAdaptorServer, type HttpBindings } from '@hono/node-server'
import type { Logger as Pino } from 'pino'
import { WebSocketServer } from 'ws'
import type { Readiness } from '../../src/admin/admin-route.ts'
import { MemoryStore } from '../../src/cache/memory-store.ts'
import {
  DEFAULT_ACK_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
} from '../../src/config/schema.ts'
import type { AdminConfig, ClusterConfig, GatewayConfig } from '../../src/config/types.ts'
import { createGateway, type Gateway } from '../../src/gateway.ts'
import type { HistoryPolicy } from '../../src/history/store.ts'
import { CountingMetrics } from '../../src/metrics/metrics.ts'
import type { Logger, Platform } from '../../src/platform.ts'
import { isAdminPath, isPublishPath } from '../../src/proxy/classify.ts'
import { matchRoute } from '../../src/proxy/routes.ts'
import {
  type AccessLogOptions,
  type AccessNote,
  answerWithRequestId,
  logAccess,
  requestIdOf,
  setRequestId,
} from './access-log.ts'
import { answerClientErrors } from './client-errors.ts'
import type { ClusterBus } from './cluster/bus.ts'
import { type ClusterParts, clusterPlatform } from './cluster/cluster-platform.ts'
import { RedisBus } from './cluster/redis-bus.ts'
import { RedisHistoryStore } from './cluster/redis-history-store.ts'
import { consoleLogger, loggerOver } from './logger.ts'
import { MetricsRegistry } from './metrics-registry.ts'
import { NodeOrigin } from './origin.ts'
import { answerOtherUpgradesPlainly } from './plain-upgrades.ts'
import { serveQuickHit } from './quick-hits.ts'
import { refuseAmbiguousRequest, refusedUpgrade } from './request-guard.ts'
import { SocketStreamOpener } from './socket-stream.ts'
import { systemClock } from './system-clock.ts'
import { nodeWebSocketAcceptor } from './websocket.ts'
import { takeWebSocketUpgrades } from './websocket-upgrades.ts'

/** Where and how to listen. */
export interface ServeOptions {
  config: GatewayConfig
  port: number
  host: string
  /** The gateway's events; default `log`'s, else stderr at `GRIPGATE_LOG`. */
  logger?: Logger
  /** Where the access log goes (one line per request, at info); absent: no access log. */
  log?: Pino
  /** The admin listener (/metrics, /healthz, /readyz, control API); default `config.admin`. */
  admin?: AdminConfig
  /** Labels on every exported series (a `--workers` worker's id). */
  metricLabels?: Record<string, string>
  /**
   * The cluster bus of a `--workers` worker without Redis (the primary's relay); absent,
   * `config.cluster.redis` decides whether this process joins a cluster.
   */
  bus?: ClusterBus
}

/** A running gateway. */
export interface RunningGateway {
  url: string
  /** The admin listener's URL, when there is one. */
  adminUrl: string | undefined
  /** The gateway serving new requests now (a reload replaces it). */
  readonly gateway: Gateway
  /**
   * Serves new requests with `config` (already validated), keeping the held connections and
   * the cache; returns the sections that differ but only take effect on a restart.
   */
  reload(config: GatewayConfig): string[]
  /** What `/readyz` answers now. */
  readiness(): Readiness
  /** Client sockets open now, whatever state they are in (plain, held, upgraded). */
  connections(): number
  /** Stops accepting, lets in-flight requests finish, and closes the rest after `deadlineMs`. */
  close(deadlineMs?: number): Promise<void>
}

/** Cluster settings for a `--workers` relay when the config has no `cluster` object. */
const DEFAULT_CLUSTER: ClusterConfig = {
  name: 'gripgate',
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  leaseMs: DEFAULT_LEASE_MS,
  ackTimeoutMs: DEFAULT_ACK_TIMEOUT_MS,
}

/** Builds the Node platform: seams backed by this process. */
export function nodePlatform(
  config: GatewayConfig,
  logger: Logger,
  bus?: ClusterBus
): Platform & {
  streams: SocketStreamOpener
  metrics: CountingMetrics
  /** The cluster's bus, when this process is a node of one. */
  bus?: ClusterBus
  cluster?: ClusterParts
  close(graceMs?: number): Promise<void>
} {
  const origin = new NodeOrigin()
  const pending = new Set<Promise<unknown>>()
  const streams = new SocketStreamOpener()
  const makeStore = () =>
    new MemoryStore({
      maxBytes: config.cache.maxBytes,
      maxObjectBytes: config.cache.maxObjectBytes,
    })
  const redis = config.cluster?.redis
  const clusterBus =
    bus ??
    (redis && config.cluster
      ? new RedisBus({ url: redis.url, name: config.cluster.name, logger })
      : undefined)
  // Over Redis the channel history lives there too, shared by every node (docs/history.md).
  const redisBus = clusterBus instanceof RedisBus ? clusterBus : undefined
  const cluster = clusterBus
    ? clusterPlatform({
        bus: clusterBus,
        cluster: config.cluster ?? DEFAULT_CLUSTER,
        makeStore,
        clock: systemClock,
        logger,
        websocket: nodeWebSocketAcceptor,
        streams,
        ...(redisBus
          ? {
              sharedHistory: (policy: HistoryPolicy) =>
                new RedisHistoryStore({
                  redis: redisBus.commands,
                  name: redisBus.name,
                  policy,
                  clock: systemClock,
                  logger,
                }),
            }
          : {}),
      })
    : undefined
  return {
    origin,
    store: cluster?.store ?? makeStore(),
    clock: systemClock,
    logger,
    metrics: new CountingMetrics(),
    ...(clusterBus ? { bus: clusterBus } : {}),
    websocket: nodeWebSocketAcceptor,
    streams,
    ...(cluster ? { cluster, fanout: cluster.fanout, purger: cluster.purger } : {}),
    clientAddress: (c) =>
      (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress,
    waitUntil(work) {
      const tracked = work.catch((error: unknown) =>
        logger.warn('background work failed', { error: String(error) })
      )
      pending.add(tracked)
      tracked.finally(() => pending.delete(tracked))
    },
    /** Waits up to `graceMs` for background work, then closes the origin pools under the rest. */
    async close(graceMs = Number.POSITIVE_INFINITY) {
      let timer: NodeJS.Timeout | undefined
      const grace = new Promise<void>((resolve) => {
        if (Number.isFinite(graceMs)) timer = setTimeout(resolve, graceMs)
      })
      await Promise.race([Promise.allSettled(pending), grace])
      clearTimeout(timer)
      origin.close()
    },
  }
}

/**
 * node:http's `createServer` with a request id and the access log on every request
 * (access-log.ts), and quick cache hits answered before the framework (quick-hits.ts); every
 * other request goes to the gateway's listener as it came.
 */
function frontDoor(
  current: () => Gateway,
  access: AccessLogOptions | undefined
): typeof createServer {
  const create = (serverOptions: ServerOptions, gatewayListener: RequestListener) =>
    createServer(serverOptions, (incoming, outgoing) => {
      const id = requestIdOf(incoming)
      const note: AccessNote = {}
      if (access) logAccess(access, id, incoming, outgoing, note)
      const onward = () => {
        // On the response once the gateway answers (answerWithRequestId in startGateway).
        setRequestId(incoming, id)
        gatewayListener(incoming, outgoing)
      }
      if (refuseAmbiguousRequest(incoming, outgoing, id)) return
      // nodePlatform gives a store, so the core's cache is there (kept across reloads).
      const served = serveQuickHit(current().cache!, incoming, outgoing, id)
      if (served === true) note.cache = 'HIT'
      else if (served === false) onward()
      else {
        served.then((hit) => {
          if (hit) note.cache = 'HIT'
          else onward()
        }, onward)
      }
    })
  return create as typeof createServer
}

/** Starts the gateway and resolves once it listens. */
export async function startGateway(options: ServeOptions): Promise<RunningGateway> {
  const logger = options.logger ?? (options.log ? loggerOver(options.log) : consoleLogger())
  const platform = nodePlatform(options.config, logger, options.bus)
  let config = options.config
  let closing: Promise<void> | undefined
  const adminConfig = options.admin ?? config.admin
  // Only with an admin listener: prom-client's default metrics watch GC and the event loop.
  const registry = adminConfig ? new MetricsRegistry(options.metricLabels) : undefined
  const readiness = (): Readiness => {
    const checks: Readiness['checks'] = {
      listening: server.listening || 'not listening',
      draining: closing === undefined || 'shutting down',
    }
    if (platform.bus) checks.cluster = platform.bus.up || 'cluster bus unreachable'
    return { ready: Object.values(checks).every((check) => check === true), checks }
  }
  platform.admin = {
    readiness,
    ...(registry && {
      metrics: async () =>
        registry.scrape({
          counts: platform.metrics,
          tier: await gateway.tier.stats(),
          cache: gateway.pullPath.stats(),
          store: platform.store?.usage?.(),
        }),
    }),
  }
  let gateway = createGateway(platform, config)
  await platform.cluster?.start()
  const server = createAdaptorServer({
    fetch: (request, env) => {
      // This server is HTTP/1.1 (no createServer option): outgoing is a ServerResponse.
      const outgoing = env.outgoing as ServerResponse
      platform.streams.bind(request, outgoing)
      const answer = gateway.app.fetch(request, env)
      // The id goes on before @hono/node-server writes the head (it awaits this promise).
      if (answer instanceof Promise) return answer.finally(() => answerWithRequestId(outgoing))
      answerWithRequestId(outgoing)
      return answer
    },
    hostname: options.host,
    createServer: frontDoor(
      () => gateway,
      // Below info the access log is off: no listeners, nothing measured per request.
      options.log?.isLevelEnabled('info')
        ? {
            log: options.log,
            // Paths the gateway answers itself name no origin, whatever route would match.
            originOf: (host, path) =>
              isAdminPath(path) || (config.publish && isPublishPath(path, config.publish.path))
                ? undefined
                : matchRoute(config.routes, host ?? '', path)?.origin,
          }
        : undefined
    ),
  }) as Server
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // Over it (fragments counted together) `ws` closes with 1009 itself (issue #12).
    maxPayload: options.config.limits.wsMessageBytes,
    // The session answers pings (ws-session.ts onPing): ws's own answer drops the
    // connection without a word once 60 pongs wait to be written.
    autoPong: false,
    // The hub tracks sessions and `sockets` below every socket: a Set entry and a close
    // listener per socket here would be a third list.
    clientTracking: false,
  })
  // Upgrades skip the front door: its check of the target is made here.
  takeWebSocketUpgrades(
    server,
    wss,
    (request, env) => refusedUpgrade(env.incoming) ?? gateway.app.fetch(request, env)
  )
  answerOtherUpgradesPlainly(server)
  answerClientErrors(server, logger)
  // Every client socket, whatever it speaks now: Node's own list (closeAllConnections) loses a
  // socket once it is upgraded or handed to an 'upgrade' listener.
  const sockets = new Set<Socket>()
  // One listener shared by every socket, with `on`: a closure each, wrapped by `once` in three
  // more objects, stayed with every held connection (issue #18, the SSE heap diff).
  function forgetSocket(this: Socket): void {
    sockets.delete(this)
  }
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', forgetSocket)
  })
  const url = await listen(server, options.port, options.host)
  let admin: Server | undefined
  let adminUrl: string | undefined
  if (adminConfig) {
    admin = createAdaptorServer({
      fetch: (request) => gateway.admin.fetch(request),
      hostname: adminConfig.host,
    }) as Server
    try {
      adminUrl = await listen(admin, adminConfig.port, adminConfig.host)
    } catch (error) {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
      await platform.cluster?.stop()
      await platform.close(0)
      throw error
    }
  }

  const reload = (next: GatewayConfig): string[] => {
    const restart = RESTART_SECTIONS.filter(
      (section) => JSON.stringify(config[section]) !== JSON.stringify(next[section])
    )
    gateway = createGateway(platform, next, gateway)
    config = next
    return restart
  }

  const close = (deadlineMs = 10_000) => {
    closing ??= (async () => {
      const deadlineAt = Date.now() + deadlineMs
      gateway.tier.shutdown()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Connections that finish their request while draining become idle: close them as they do.
      server.closeIdleConnections()
      const sweep = setInterval(() => server.closeIdleConnections(), 50)
      // At the deadline every socket goes, whatever it is doing: a request half sent, an upgrade
      // waiting on the origin, a WebSocket that never answers the close (ws would wait 30 s).
      const deadline = setTimeout(() => {
        for (const socket of sockets) socket.destroy()
      }, deadlineMs)
      deadline.unref()
      await closed
      clearInterval(sweep)
      clearTimeout(deadline)
      // The admin listener stays up while draining, so /readyz says so; it goes last.
      if (admin) {
        const adminClosed = new Promise<void>((resolve) => admin!.close(() => resolve()))
        admin.closeAllConnections()
        await adminClosed
      }
      await platform.cluster?.stop()
      await platform.close(Math.max(0, deadlineAt - Date.now()))
    })()
    return closing
  }
  return {
    url,
    adminUrl,
    get gateway() {
      return gateway
    },
    reload,
    readiness,
    connections: () => sockets.size,
    close,
  }
}

/** Config sections read once at start: a reload that changes them is logged as needing a restart. */
const RESTART_SECTIONS = ['cache', 'limits', 'cluster', 'history', 'admin'] as const

/** Listens on `port` and `host`; resolves with the URL once listening. */
async function listen(server: Server, port: number, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${shown}:${address.port}`
}
