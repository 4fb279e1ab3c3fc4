/**
 * The Fastly build's settings: the gateway config bundled at build time, with its
 * `{ "env": NAME }` secrets read from the Secret Store, plus where Fanout and the publish
 * API are reached. Parsed with the same `parseConfig` as every platform, so a missing secret
 * is reported like any other config problem.
 * @module
 */
import { parseConfig } from '../../src/config/parse.ts'
import type { ConfigProblem, GatewayConfig } from '../../src/config/types.ts'
import type { FanoutSigTrust } from '../../src/grip/fanout-sig.ts'
import { err, ok, type Result } from '../../src/result.ts'

/** Reads secrets, settings and environment values; undefined when absent (`stores.ts`). */
export interface FastlyStores {
  secret(name: string): Promise<string | undefined>
  setting(name: string): string | undefined
  env(name: string): string | undefined
}

/** Where publishes are forwarded: Fastly's publish API, or Pushpin's in local runs. */
export interface PublishApiSettings {
  /** The Fastly backend the request goes through. */
  backend: string
  /** The full URL, ending in `/publish/` (the trailing slash is required). */
  url: string
  /** Sent as `Authorization: Bearer`; absent for a local Pushpin, which needs none. */
  token?: string
}

/** Everything the Fastly app needs, resolved once per instance. */
export interface FastlySettings {
  config: GatewayConfig
  /** What a `Grip-Sig` is checked against. */
  trust: FanoutSigTrust
  /** Backend Fanout calls for handed-off requests: this service itself, `self` by default. */
  fanoutBackend: string
  /** Absent when neither a service id nor a `publish_url` is known. */
  publishApi?: PublishApiSettings
}

/** Secret Store entry with the API token for Fastly's publish API (purge_select + publish). */
export const API_TOKEN_SECRET = 'FASTLY_API_TOKEN'

/** Config Store keys, all optional, with their defaults. */
export const SETTING_KEYS = {
  serviceId: 'service_id', // default: the FASTLY_SERVICE_ID environment variable
  fanoutBackend: 'fanout_backend', // default: "self"
  publishBackend: 'publish_backend', // default: "fastly_api"
  publishUrl: 'publish_url', // default: https://api.fastly.com/service/<id>/publish/
} as const

/** Every `{ "env": NAME }` secret a raw config refers to, in document order. */
export function secretNames(raw: unknown): string[] {
  const names = new Set<string>()
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const element of value) visit(element)
      return
    }
    if (typeof value !== 'object' || value === null) return
    const entries = Object.entries(value)
    const [only] = entries
    if (entries.length === 1 && only?.[0] === 'env' && typeof only[1] === 'string') {
      names.add(only[1])
      return
    }
    for (const [, child] of entries) visit(child)
  }
  visit(raw)
  return [...names]
}

/** The publish API URL Fanout takes for a service (GRIP.md §8.4). */
export const fastlyPublishUrl = (serviceId: string): string =>
  `https://api.fastly.com/service/${encodeURIComponent(serviceId)}/publish/`

/** Reads the stores and parses the bundled config. */
export async function loadSettings(
  raw: unknown,
  stores: FastlyStores
): Promise<Result<FastlySettings, ConfigProblem[]>> {
  const env: Record<string, string | undefined> = {}
  for (const name of secretNames(raw)) env[name] = await stores.secret(name)
  const parsed = parseConfig(raw, env)
  if (!parsed.ok) return err(parsed.error)
  const config = parsed.value

  const serviceId = stores.setting(SETTING_KEYS.serviceId) ?? stores.env('FASTLY_SERVICE_ID')
  const url =
    stores.setting(SETTING_KEYS.publishUrl) ?? (serviceId ? fastlyPublishUrl(serviceId) : undefined)
  const token = await stores.secret(API_TOKEN_SECRET)
  const settings: FastlySettings = {
    config,
    trust: {
      ...(serviceId ? { serviceId } : {}),
      ...(config.grip ? { gripKey: config.grip.key } : {}),
    },
    fanoutBackend: stores.setting(SETTING_KEYS.fanoutBackend) ?? 'self',
  }
  if (url) {
    settings.publishApi = {
      backend: stores.setting(SETTING_KEYS.publishBackend) ?? 'fastly_api',
      url,
      ...(token ? { token } : {}),
    }
  }
  return ok(settings)
}
