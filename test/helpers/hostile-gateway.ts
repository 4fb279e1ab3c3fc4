/**
 * The Node gateway in-process for the hostile suite (test/hostile/): every attack goes over a
 * real socket, as an attacker's would. A config object in; the running gateway, its port,
 * what it logged and its hub out. Secrets in the config are plain strings.
 */

import type http from 'node:http'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import type { EmbeddedFanout } from '../../src/hub/embedded-fanout.ts'
import type { Hub } from '../../src/hub/hub.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { type FixtureOrigin, type Scripted, startFixtureOrigin } from './fixture-origin.ts'

/** A gateway started for one test file. */
export interface HostileGateway {
  url: string
  port: number
  config: GatewayConfig
  logger: CaptureLogger
  running: RunningGateway
  /** The embedded fanout's hub. */
  hub: Hub
  /** Held connections of every transport. */
  held(): number
  close(): Promise<void>
}

/** Parses `raw` (throws on a bad config) and starts the gateway on 127.0.0.1, port 0. */
export async function startHostileGateway(raw: Record<string, unknown>): Promise<HostileGateway> {
  const parsed = parseConfig(raw, {})
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.error)}`)
  const logger = new CaptureLogger()
  const running = await startGateway({ config: parsed.value, port: 0, host: '127.0.0.1', logger })
  const hub = (running.gateway.tier as EmbeddedFanout).hub
  return {
    url: running.url,
    port: Number(new URL(running.url).port),
    config: parsed.value,
    logger,
    running,
    hub,
    held: () => Object.values(hub.connections).reduce((sum, n) => sum + n, 0),
    close: () => running.close(1_000),
  }
}

/** The publish key of every `startHostile` gateway. */
export const HOSTILE_KEY = 'hostile-publish-key'

/** What `startHostile` needs of an origin: where it listens, and how to stop it. */
export interface HostileOrigin {
  url: string
  close(): Promise<void>
}

/** A running gateway, its origin (a fixture origin unless told otherwise) and its hub. */
export interface HostileSetup<O extends HostileOrigin = FixtureOrigin> {
  origin: O
  gateway: RunningGateway
  hub: Hub
  logger: CaptureLogger
  /** The gateway's base URL, `http://127.0.0.1:<port>`. */
  url: string
  /** The gateway's port on 127.0.0.1. */
  port: number
  /** Held connections of every transport. */
  held(): number
  close(): Promise<void>
}

/** What `startHostile` may change about its origin and the catch-all route to it. */
export interface HostileOptions<O extends HostileOrigin = FixtureOrigin> {
  /** Starts the `app` origin (e.g. `startRawOrigin`); a fixture origin when absent. */
  origin?: () => Promise<O>
  /** The catch-all route's `cache`; absent, the config's default (cached). */
  cache?: boolean
}

/**
 * Starts an origin (`app`) and a gateway routing `/*` to it (after `routes`), publishing with
 * `HOSTILE_KEY`; `extra` is merged into the config (limits, grip, more origins, …), and
 * `extra.origins.app` into the `app` origin (timeoutMs, …).
 */
export async function startHostile<O extends HostileOrigin = FixtureOrigin>(
  extra: Record<string, unknown> = {},
  routes: Array<Record<string, unknown>> = [],
  options: HostileOptions<O> = {}
): Promise<HostileSetup<O>> {
  // Without `options.origin`, O is its default, FixtureOrigin.
  const origin = (await (options.origin ?? startFixtureOrigin)()) as O
  const { app: appFields, ...origins } = (extra.origins ?? {}) as Record<string, object | undefined>
  const started = await startHostileGateway({
    publish: { keys: [HOSTILE_KEY] },
    ...extra,
    origins: { app: { url: origin.url, ...appFields }, ...origins },
    routes: [
      ...routes,
      {
        path: '/*',
        origin: 'app',
        ...(options.cache === undefined ? {} : { cache: options.cache }),
      },
    ],
  })
  return {
    origin,
    gateway: started.running,
    hub: started.hub,
    logger: started.logger,
    url: started.url,
    port: started.port,
    held: started.held,
    close: async () => {
      await started.close()
      await origin.close()
    },
  }
}

/**
 * A WebSocket-over-HTTP origin answer (`h.origin.on('/ws', wsOpening)`): the OPEN request
 * ("OPEN\r\n", 6 bytes) is accepted with OPEN, every later request answered with no events.
 */
export function wsOpening(req: http.IncomingMessage): Scripted {
  return {
    headers: {
      'content-type': 'application/websocket-events',
      'sec-websocket-extensions': 'grip',
    },
    body: req.headers['content-length'] === '6' ? 'OPEN\r\n' : '',
  }
}

/** Polls `check` every 10 ms until it holds or `maxMs` passes (a leak/hang detector). */
export async function eventually(check: () => boolean, maxMs = 5_000): Promise<boolean> {
  for (let waited = 0; !check() && waited < maxMs; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return check()
}
