/**
 * Builds the Fastly app as edge/fastly/main.ts does, but on a recording `fetch` (the
 * origins and the publish API) and with the in-memory `fastly:*` shims seeded per test.
 * @module
 */
import type { JWK } from 'jose'
import { handOff, publishForwarder } from '../../edge/fastly/fanout.ts'
import type { FastlyFetch, FastlyRequestInit } from '../../edge/fastly/origin.ts'
import { createFastlyApp } from '../../edge/fastly/platform.ts'
import { createFastlyPurger } from '../../edge/fastly/purger.ts'
import { loadSettings } from '../../edge/fastly/settings.ts'
import { CONFIG_STORE, fastlyStores, SECRET_STORE } from '../../edge/fastly/stores.ts'
import type { CountingMetrics } from '../../src/metrics/metrics.ts'
import { EPOCH } from '../fakes/fake-clock.ts'
import { record } from './shims/calls.ts'
import { seedConfigStore } from './shims/config-store.ts'
import { setEnv } from './shims/env.ts'
import { seedSecretStore } from './shims/secret-store.ts'

export const SERVICE_ID = 'SU1Z0isxPaozGVKXdv0eY'
export const PUBLISH_KEY = 'test-publish-key'
export const GRIP_KEY = 'changeme'
export const API_TOKEN = 'test-api-token'

/** A config in the shape of gripgate.fastly.json. */
export const CONFIG = {
  origins: {
    origin: { url: 'https://origin.example/base', timeoutMs: 1000 },
    assets: { url: 'https://assets.example', timeoutMs: 1000, hostHeader: 'assets.internal' },
  },
  routes: [
    { path: '/news/*', origin: 'origin', cache: false, realtime: true },
    {
      path: '/assets/*',
      origin: 'assets',
      cache: { ttl: 600, staleWhileRevalidate: 60, keys: ['assets'] },
    },
    { path: '/*', origin: 'origin' },
  ],
  grip: { key: { env: 'GRIP_KEY' } },
  publish: {
    keys: [{ env: 'PUBLISH_KEY' }],
    purge: { keys: { 'item-*': ['items'] } },
  },
}

/** One request the recording fetch saw. */
export interface Sent {
  url: string
  init: FastlyRequestInit
  headers: Headers
  body?: string
}

/** A fetch that records calls (also into the shim call log) and answers with `answer`. */
export function recordingFetch(
  answer: (sent: Sent) => Response | Promise<Response> = () => new Response('ok')
): FastlyFetch & { sent: Sent[] } {
  const sent: Sent[] = []
  const fetchFn = async (url: string, init: FastlyRequestInit) => {
    const body = typeof init.body === 'string' ? init.body : undefined
    const entry: Sent = { url, init, headers: new Headers(init.headers), ...(body ? { body } : {}) }
    sent.push(entry)
    record('fetch', url, init.backend)
    return answer(entry)
  }
  return Object.assign(fetchFn, { sent })
}

/** Seeds the stores a deployed service would have. */
export function seedStores(
  options: { serviceId?: boolean; settings?: Record<string, string> } = {}
) {
  seedSecretStore(SECRET_STORE, {
    PUBLISH_KEY,
    GRIP_KEY,
    FASTLY_API_TOKEN: API_TOKEN,
  })
  if (options.settings) seedConfigStore(CONFIG_STORE, options.settings)
  if (options.serviceId !== false) setEnv('FASTLY_SERVICE_ID', SERVICE_ID)
}

/** The app on shims: `origin` answers origin fetches, `api` the publish API. */
export function buildApp(
  options: {
    config?: unknown
    origin?: (sent: Sent) => Response | Promise<Response>
    api?: (sent: Sent) => Response | Promise<Response>
    fanoutKey?: JWK
    now?: number
    /** The client's address, as `event.client.address` gives it. */
    clientAddress?: string
    /** Hears the origin's warnings (failures name its address there). */
    warn?: (message: string, fields: Record<string, unknown>) => void
    /** Hears info lines (the metric log lines). */
    info?: (message: string, fields: Record<string, unknown>) => void
    /** Counts for the metric log lines (as main.ts passes). */
    metrics?: CountingMetrics
  } = {}
) {
  const originFetch = recordingFetch(options.origin)
  const apiFetch = recordingFetch(options.api ?? (() => new Response('Published\n')))
  const app = createFastlyApp({
    settings: async () => {
      const loaded = await loadSettings(options.config ?? CONFIG, fastlyStores())
      // Tests cannot sign with Fastly's private key: they trust their own ES256 key instead.
      if (loaded.ok && options.fanoutKey) loaded.value.trust.publicKey = options.fanoutKey
      return loaded
    },
    fetch: originFetch,
    purger: createFastlyPurger(),
    handOff,
    forwarder: (api) => publishForwarder(api, apiFetch),
    logger: {
      debug: () => {},
      info: (message, fields) => options.info?.(message, fields ?? {}),
      warn: (message, fields) => options.warn?.(message, fields ?? {}),
      error: (message, fields) => options.warn?.(message, fields ?? {}),
    },
    now: () => options.now ?? EPOCH,
    clientAddress: () => options.clientAddress,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  })
  return { app, originFetch, apiFetch }
}
