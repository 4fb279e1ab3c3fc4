/**
 * The Cloudflare Workers entry (wrangler.toml `main`), also `import … from 'gripgate/cloudflare'`:
 * the gateway's fetch handler and the Durable Object classes the bindings name. A Worker of
 * your own re-exports them (docs/cloudflare.md):
 *
 * @example
 * ```ts
 * export { default, ChannelRoom, ConnectionHolder, TagIndex } from 'gripgate/cloudflare'
 * ```
 * @module
 */
import { durableObjectExtras } from './fanout/index.ts'
import { createWorker } from './worker.ts'

// Realtime holds and sockets live in Durable Objects: the Worker never holds a connection.
export default createWorker({ extras: (env) => durableObjectExtras(env) })

export type { GatewayEnv } from './env.ts'
export { ChannelRoom, ConnectionHolder, durableObjectExtras } from './fanout/index.ts'
export { TagIndex } from './tag-index.ts'
export { createWorker, type GatewayWorker, type WorkerOptions } from './worker.ts'
