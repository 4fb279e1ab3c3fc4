/**
 * What the fanout tier's Durable Objects read from their environment: the two namespaces,
 * the gateway config (the same `GRIPGATE_CONFIG` the Worker parses) and the secrets it names.
 * @module
 */
import type { GatewayConfig } from '../../../src/config/types.ts'
import { GatewayError } from '../../../src/errors.ts'
import { type ConfigEnv, configFromEnv } from '../config.ts'
import type { ChannelRoomRpc, ConnectionHolderRpc } from './rpc.ts'

/** The bindings and variables the fanout tier uses (wrangler.toml declares them). */
export interface FanoutEnv extends ConfigEnv {
  /** One `ChannelRoom` per channel, addressed with `idFromName(channel)`. */
  CHANNELS: DurableObjectNamespace<ChannelRoomRpc>
  /** `ConnectionHolder` shards, addressed with `idFromName('holder-<n>')`. */
  HOLDERS: DurableObjectNamespace<ConnectionHolderRpc>
  /** Number of holder shards (default 16); change it only with care (docs/cloudflare.md). */
  GRIPGATE_HOLDER_SHARDS?: string
}

/** Holder shards when `GRIPGATE_HOLDER_SHARDS` is unset. */
export const DEFAULT_SHARDS = 16

/** The shard count from the environment; an unusable value falls back to the default. */
export function shardCount(env: Pick<FanoutEnv, 'GRIPGATE_HOLDER_SHARDS'>): number {
  const shards = Number(env.GRIPGATE_HOLDER_SHARDS)
  return Number.isInteger(shards) && shards > 0 ? shards : DEFAULT_SHARDS
}

/** The name of holder shard `n`. */
export const holderName = (n: number) => `holder-${n}`

/**
 * Parses `GRIPGATE_CONFIG` (JSON text, or an object from `[vars]`) with the string values of
 * `env` as secrets, as the Worker does. The Worker refuses a bad config before anything
 * reaches an object, so failing here means the deployment changed under a running object.
 */
export function loadConfig(env: FanoutEnv): GatewayConfig {
  const parsed = configFromEnv(env)
  if (!parsed.ok) {
    throw new GatewayError('CONFIG_INVALID', 500, 'GRIPGATE_CONFIG does not parse', {
      extras: { problems: parsed.error },
    })
  }
  return parsed.value
}
