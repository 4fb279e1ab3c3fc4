/**
 * A gateway on a real port in front of a scripted fixture origin, for the hostile suite
 * (test/hostile/): every attack goes over a socket, as an attacker's would.
 */
import { consoleLogger } from '../../edge/node/logger.ts'
import { type RunningGateway, startGateway } from '../../edge/node/server.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { EmbeddedFanout } from '../../src/hub/embedded-fanout.ts'
import type { Hub } from '../../src/hub/hub.ts'
import { type FixtureOrigin, startFixtureOrigin } from './fixture-origin.ts'

/** The publish key of every hostile gateway. */
export const HOSTILE_KEY = 'hostile-publish-key'

/** A running gateway, its origin and its hub. */
export interface HostileSetup {
  origin: FixtureOrigin
  gateway: RunningGateway
  hub: Hub
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
  const config = parseConfig(
    {
      publish: { keys: [HOSTILE_KEY] },
      ...extra,
      origins: { app: { url: origin.url }, ...(extra.origins as object | undefined) },
      routes: [...routes, { path: '/*', origin: 'app' }],
    },
    {}
  )
  if (!config.ok) throw new Error(JSON.stringify(config.error))
  const gateway = await startGateway({
    config: config.value,
    port: 0,
    host: '127.0.0.1',
    logger: consoleLogger('error'),
  })
  const hub = (gateway.gateway.tier as EmbeddedFanout).hub
  return {
    origin,
    gateway,
    hub,
    port: Number(new URL(gateway.url).port),
    held: () => Object.values(hub.connections).reduce((sum, n) => sum + n, 0),
    close: async () => {
      await gateway.close(1_000)
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
