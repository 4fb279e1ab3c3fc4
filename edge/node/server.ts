/**
 * The gateway on Node: the embedded default (in-memory cache, in-process seams) served
 * by @hono/node-server, with graceful shutdown.
 * @module
 */

import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { type HttpBindings, serve } from '@hono/node-server'
import { WebSocketServer } from 'ws'
import { MemoryStore } from '../../src/cache/memory-store.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import { createGateway, type Gateway } from '../../src/gateway.ts'
import type { Logger, Platform } from '../../src/platform.ts'
import { consoleLogger } from './logger.ts'
import { NodeOrigin } from './origin.ts'
import { serveQuickHit } from './quick-hits.ts'
import { refuseAmbiguousRequest, refusedUpgrade } from './request-guard.ts'
import { SocketStreamOpener } from './socket-stream.ts'
import { systemClock } from './system-clock.ts'
import { nodeWebSocketAcceptor } from './websocket.ts'

/** Where and how to listen. */
export interface ServeOptions {
  config: GatewayConfig
  port: number
  host: string
  logger?: Logger
}

/** A running gateway. */
export interface RunningGateway {
  url: string
  gateway: Gateway
  /** Stops accepting, lets in-flight requests finish, and closes the rest after `deadlineMs`. */
  close(deadlineMs?: number): Promise<void>
}

/** Builds the Node platform: seams backed by this process. */
export function nodePlatform(
  config: GatewayConfig,
  logger: Logger
): Platform & { streams: SocketStreamOpener; close(): Promise<void> } {
  const origin = new NodeOrigin()
  const pending = new Set<Promise<unknown>>()
  return {
    origin,
    store: new MemoryStore({
      maxBytes: config.cache.maxBytes,
      maxObjectBytes: config.cache.maxObjectBytes,
    }),
    clock: systemClock,
    logger,
    websocket: nodeWebSocketAcceptor,
    streams: new SocketStreamOpener(),
    clientAddress: (c) =>
      (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket.remoteAddress,
    waitUntil(work) {
      const tracked = work.catch((error: unknown) =>
        logger.warn('background work failed', { error: String(error) })
      )
      pending.add(tracked)
      tracked.finally(() => pending.delete(tracked))
    },
    async close() {
      await Promise.allSettled(pending)
      origin.close()
    },
  }
}

/**
 * node:http's `createServer` with quick cache hits answered before the framework
 * (quick-hits.ts); every other request goes to the gateway's listener as it came.
 */
function frontDoor(gateway: Gateway): typeof createServer {
  const create = (serverOptions: ServerOptions, gatewayListener: RequestListener) =>
    createServer(serverOptions, (incoming, outgoing) => {
      if (refuseAmbiguousRequest(incoming, outgoing)) return
      serveQuickHit(gateway.cache, incoming, outgoing).then(
        (served) => served || gatewayListener(incoming, outgoing),
        () => gatewayListener(incoming, outgoing)
      )
    })
  return create as typeof createServer
}

/** Starts the gateway and resolves once it listens. */
export async function startGateway(options: ServeOptions): Promise<RunningGateway> {
  const logger = options.logger ?? consoleLogger()
  const platform = nodePlatform(options.config, logger)
  const gateway = createGateway(platform, options.config)
  const server = await new Promise<Server>((resolve, reject) => {
    const started = serve(
      {
        fetch: (request, env) => {
          // An upgrade (no outgoing) skipped the front door's check.
          const refused = env.outgoing ? undefined : refusedUpgrade(env.incoming as IncomingMessage)
          if (refused) return refused
          // This server is HTTP/1.1 (no createServer option): outgoing is a ServerResponse.
          platform.streams.bind(request, env.outgoing as ServerResponse)
          return gateway.app.fetch(request, env)
        },
        port: options.port,
        hostname: options.host,
        websocket: { server: new WebSocketServer({ noServer: true, perMessageDeflate: false }) },
        createServer: frontDoor(gateway),
      },
      () => resolve(started as Server)
    ) as Server
    started.once('error', reject)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`

  let closing: Promise<void> | undefined
  const close = (deadlineMs = 10_000) => {
    closing ??= (async () => {
      gateway.tier.shutdown()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      // Connections that finish their request while draining become idle: close them as they do.
      server.closeIdleConnections()
      const sweep = setInterval(() => server.closeIdleConnections(), 50)
      const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs)
      deadline.unref()
      await closed
      clearInterval(sweep)
      clearTimeout(deadline)
      await platform.close()
    })()
    return closing
  }
  return { url, gateway, close }
}
