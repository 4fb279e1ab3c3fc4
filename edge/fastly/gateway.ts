/**
 * The gateway on Fastly Compute, wired to the real `fastly:*` modules, for a config given by
 * the caller (bundled at build time: js-compute has no file system). Nothing here touches a
 * store or the environment when called: wizer runs top-level code during the build, when
 * js-compute 3.46 forbids them, so the settings are loaded on the first request.
 * @module
 */
import type { Context, Hono } from 'hono'
import type { ConfigProblem } from '../../src/config/types.ts'
import { CountingMetrics } from '../../src/metrics/metrics.ts'
import type { Logger } from '../../src/platform.ts'
import type { Result } from '../../src/result.ts'
import { handOff, publishForwarder } from './fanout.ts'
import { createFastlyApp } from './platform.ts'
import { createFastlyPurger } from './purger.ts'
import { type FastlySettings, loadSettings } from './settings.ts'
import { fastlyStores } from './stores.ts'

/** Fastly's log tailing shows stdout and stderr; debug lines are left out. */
const consoleLogger: Logger = {
  debug: () => {},
  info: (message, fields) => console.log(message, JSON.stringify(fields ?? {})),
  warn: (message, fields) => console.warn(message, JSON.stringify(fields ?? {})),
  error: (message, fields) => console.error(message, JSON.stringify(fields ?? {})),
}

/**
 * The Hono app serving `rawConfig` (a gripgate config document, as in `gripgate.fastly.json`;
 * its `{ "env": NAME }` secrets come from the `gripgate_secrets` Secret Store).
 *
 * @example
 * ```ts
 * /// <reference types="@fastly/js-compute" />
 * import { fastlyGateway } from 'gripgate/fastly'
 * import config from './gripgate.fastly.json' with { type: 'json' }
 *
 * const app = fastlyGateway(config) // serveFastly(config) does the rest
 * addEventListener('fetch', (event) => event.respondWith(app.fetch(event.request, {}, event as never)))
 * ```
 */
export function fastlyGateway(rawConfig: unknown, logger: Logger = consoleLogger): Hono {
  let loading: Promise<Result<FastlySettings, ConfigProblem[]>> | undefined
  // Loaded once per instance; a failed load is tried again on the next request.
  const settings = () => {
    loading ??= loadSettings(rawConfig, fastlyStores()).then((result) => {
      if (!result.ok) loading = undefined
      return result
    })
    return loading
  }
  return createFastlyApp({
    settings,
    fetch: (url, init) => fetch(url, init),
    purger: createFastlyPurger(),
    handOff,
    forwarder: (api) => publishForwarder(api),
    logger,
    clientAddress,
    // One `metrics` log line after each request that counted something (docs/fastly.md).
    metrics: new CountingMetrics(),
  })
}

/** `event.client.address`: the FetchEvent is handed over as Hono's execution context. */
function clientAddress(c: Context): string | undefined {
  try {
    return (c.executionCtx as unknown as { client: { address: string } }).client.address
  } catch {
    // Hono throws when a caller passed no execution context (a test, a local call).
    return undefined
  }
}

/**
 * A Compute program's whole entry: serves the gateway for `rawConfig` on every request.
 *
 * @example
 * ```ts
 * import { serveFastly } from 'gripgate/fastly'
 * import config from './gripgate.fastly.json' with { type: 'json' }
 *
 * serveFastly(config)
 * ```
 */
export function serveFastly(rawConfig: unknown, logger?: Logger): void {
  const app = fastlyGateway(rawConfig, logger)
  // The FetchEvent goes on as Hono's execution context, for the client's address. No
  // hono/fastly exists, and hono/service-worker re-fetches 404s through a backend-less fetch.
  addEventListener('fetch', (event) =>
    event.respondWith(app.fetch(event.request, {}, event as never))
  )
}
