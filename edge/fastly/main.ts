/**
 * Wires the Fastly app to the real `fastly:*` modules and the config bundled at build time
 * (`gripgate.fastly.json`, checked by `npm run build:fastly`). Nothing here touches a store
 * or the environment at import time: wizer runs top-level code during the build, when
 * js-compute 3.46 forbids them.
 * @module
 */
import type { Context } from 'hono'
import rawConfig from '../../gripgate.fastly.json' with { type: 'json' }
import type { ConfigProblem } from '../../src/config/types.ts'
import { CountingMetrics } from '../../src/metrics/metrics.ts'
import type { Logger } from '../../src/platform.ts'
import type { Result } from '../../src/result.ts'
import { handOff, publishForwarder } from './fanout.ts'
import { createFastlyApp } from './platform.ts'
import { createFastlyPurger } from './purger.ts'
import { type FastlySettings, loadSettings } from './settings.ts'
import { fastlyStores } from './stores.ts'

let loading: Promise<Result<FastlySettings, ConfigProblem[]>> | undefined

/** Loads the settings once per instance; a failed load is tried again on the next request. */
function settings(): Promise<Result<FastlySettings, ConfigProblem[]>> {
  loading ??= loadSettings(rawConfig, fastlyStores()).then((result) => {
    if (!result.ok) loading = undefined
    return result
  })
  return loading
}

/** Fastly's log tailing shows stdout and stderr; debug lines are left out. */
const logger: Logger = {
  debug: () => {},
  info: (message, fields) => console.log(message, JSON.stringify(fields ?? {})),
  warn: (message, fields) => console.warn(message, JSON.stringify(fields ?? {})),
  error: (message, fields) => console.error(message, JSON.stringify(fields ?? {})),
}

/** The app `index.ts` serves. */
export const app = createFastlyApp({
  settings,
  fetch: (url, init) => fetch(url, init),
  purger: createFastlyPurger(),
  handOff,
  forwarder: (api) => publishForwarder(api),
  logger,
  clientAddress,
  metrics: new CountingMetrics(),
})

/** `event.client.address`: index.ts hands the FetchEvent over as Hono's execution context. */
function clientAddress(c: Context): string | undefined {
  try {
    return (c.executionCtx as unknown as { client: { address: string } }).client.address
  } catch {
    // Hono throws when a caller passed no execution context (a test, a local call).
    return undefined
  }
}
