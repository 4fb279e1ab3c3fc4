/**
 * The Cloudflare Workers entry (wrangler.toml `main`): the gateway's fetch handler and the
 * Durable Object classes the bindings name.
 * @module
 */
import { durableObjectExtras } from './fanout/index.ts'
import { createWorker } from './worker.ts'

// Realtime holds and sockets live in Durable Objects: the Worker never holds a connection.
export default createWorker({ extras: (env) => durableObjectExtras(env) })

export { ChannelRoom, ConnectionHolder } from './fanout/index.ts'
export { TagIndex } from './tag-index.ts'
