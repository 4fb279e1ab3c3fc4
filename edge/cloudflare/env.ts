/**
 * The Worker's bindings (wrangler.toml) as the code sees them.
 * @module
 */
import type { FanoutEnv } from './fanout/env.ts'
import type { TagIndex } from './tag-index.ts'

/**
 * Bindings and variables of the gripgate Worker: the config and the fanout tier's
 * (`CHANNELS`, `HOLDERS`, `GRIPGATE_HOLDER_SHARDS`, edge/cloudflare/fanout/) and the cache's.
 */
export interface GatewayEnv extends FanoutEnv {
  /** Prefix of every cache entry and name of the tag index; change it to drop the whole cache. */
  GRIPGATE_CACHE_NAMESPACE?: string
  /** Zone whose cache the purge-by-tag API clears across locations (with `CF_API_TOKEN`). */
  CF_ZONE_ID?: string
  /** API token with Zone.Cache Purge permission; set it as a secret (`wrangler secret put`). */
  CF_API_TOKEN?: string
  /**
   * Milliseconds between two `metrics` log lines of an isolate (default 60000; `0`: after
   * every request; `off`: none). docs/cloudflare.md, "Metrics".
   */
  GRIPGATE_METRICS_LOG_MS?: string
  /** The surrogate-key index of the Cache API store. */
  TAGS: DurableObjectNamespace<TagIndex>
}
