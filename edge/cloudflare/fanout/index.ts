/**
 * The fanout tier on Cloudflare: the GRIP engine from src/ in Durable Objects. Export the
 * two classes from the Worker's main module and give `createDurableObjectFanout` to the
 * platform (`Platform.fanout`); wrangler.toml binds them as `CHANNELS` and `HOLDERS`.
 * @module
 */
export { ChannelRoom } from './channel-room.ts'
export { ConnectionHolder, type HolderDescription } from './connection-holder.ts'
export { DEFAULT_SHARDS, type FanoutEnv, holderName, shardCount } from './env.ts'
export type { ChannelRoomRpc, ConnectionHolderRpc } from './rpc.ts'
export {
  createDurableObjectFanout,
  type DurableObjectFanoutOptions,
  durableObjectExtras,
} from './worker-tier.ts'
