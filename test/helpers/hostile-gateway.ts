/**
 * The Node gateway in-process for the hostile suite (test/hostile/): every attack goes over a
 * real socket, as an attacker's would. A config object in; the running gateway, its port,
 * what it logged and its hub out. Secrets in the config are plain strings.
 */

import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import type { EmbeddedFanout } from '../../src/hub/embedded-fanout.ts'
import type { Hub } from '../../src/hub/hub.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { type FixtureOrigin, startFixtureOrigin } from './fixture-origin.ts'

/** A gateway started for one test file. */
export interface HostileGateway {
  url: string
  port: number
  config: GatewayConfig
  logger: CaptureLogger
  running: RunningGateway
  close(): Promise<void>
}

/** Parses `raw` (throws on a bad config) and starts the gateway on 127.0.0.1, port 0. */
export async function startHostileGateway(raw: Record<string, unknown>): Promise<HostileGateway> {
  const parsed = parseConfig(raw, {})
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.error)}`)
  const logger = new CaptureLogger()
  const running = await startGateway({ config: parsed.value, port: 0, host: '127.0.0.1', logger })
  return {
    url: running.url,
    port: Number(new URL(running.url).port),
    config: parsed.value,
    logger,
    running,
    close: () => running.close(1_000),
  }
}

/** The publish key of every `startHostile` gateway. */
export const HOSTILE_KEY = 'hostile-publish-key'

/** A running gateway, its origin and its hub. */
export interface HostileSetup {
  origin: FixtureOrigin
  gateway: RunningGateway
  hub: Hub
  logger: CaptureLogger
  /** The gateway's port on 127.0.0.1. */
  port: number
  /** Held connections of every transport. */
  held(): number
  close(): Promise<void>
}

/**
 * Starts a fixture origin (`app`) and a gateway routing `/*` to it (after `routes`), publishing
 * with `HOSTILE_KEY`; `extra` is merged into the config (limits, grip, more origins, …).
 */
export async function startHostile(
  extra: Record<string, unknown> = {},
  routes: Array<Record<string, unknown>> = []
): Promise<HostileSetup> {
  const origin = await startFixtureOrigin()
  const started = await startHostileGateway({
    publish: { keys: [HOSTILE_KEY] },
    ...extra,
    origins: { app: { url: origin.url }, ...(extra.origins as object | undefined) },
    routes: [...routes, { path: '/*', origin: 'app' }],
  })
  const hub = (started.running.gateway.tier as EmbeddedFanout).hub
  return {
    origin,
    gateway: started.running,
    hub,
    logger: started.logger,
    port: started.port,
    held: () => Object.values(hub.connections).reduce((sum, n) => sum + n, 0),
    close: async () => {
      await started.close()
      await origin.close()
    },
  }
}

/** Polls `check` every 10 ms until it holds or `maxMs` passes (a leak/hang detector). */
export async function eventually(check: () => boolean, maxMs = 5_000): Promise<boolean> {
  for (let waited = 0; !check() && waited < maxMs; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return check()
}
