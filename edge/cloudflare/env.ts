/**
 * The Worker's bindings (wrangler.toml) as the code sees them.
 * @module
 */
import type { ChannelRoom, ConnectionHolder } from './fanout/index.ts'
import type { TagIndex } from './tag-index.ts'

/** Bindings and variables of the gripgate Worker. */
export interface GatewayEnv {
  /**
   * The gateway config: the JSON of `gripgate.config.json`, as text (`--var`, a secret) or as
   * a JSON object (`[vars]` in wrangler.toml). `{ "env": "NAME" }` secrets read other vars.
   */
  GRIPGATE_CONFIG?: string | Record<string, unknown>
  /** Log level: debug, info (default), warn or error. */
  GRIPGATE_LOG?: string
  /** Prefix of every cache entry and name of the tag index; change it to drop the whole cache. */
  GRIPGATE_CACHE_NAMESPACE?: string
  /** Zone whose cache the purge-by-tag API clears across locations (with `CF_API_TOKEN`). */
  CF_ZONE_ID?: string
  /** API token with Zone.Cache Purge permission; set it as a secret (`wrangler secret put`). */
  CF_API_TOKEN?: string
  /** The surrogate-key index of the Cache API store. */
  TAGS: DurableObjectNamespace<TagIndex>
  /** Channel objects of the fanout tier (edge/cloudflare/fanout/). */
  CHANNELS: DurableObjectNamespace<ChannelRoom>
  /** Connection-holding objects of the fanout tier (edge/cloudflare/fanout/). */
  HOLDERS: DurableObjectNamespace<ConnectionHolder>
}

/** The string-valued entries of `env`, where `{ "env": "NAME" }` secrets are looked up. */
export function stringVars(env: object): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') vars[name] = value
  return vars
}
