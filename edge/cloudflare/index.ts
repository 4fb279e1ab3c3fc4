/**
 * The Cloudflare Workers entry (wrangler.toml `main`): the gateway's fetch handler and the
 * Durable Object classes the bindings name.
 * @module
 */
import { createWorker } from './worker.ts'

export default createWorker()

export { ChannelRoom, ConnectionHolder } from './fanout/index.ts'
export { TagIndex } from './tag-index.ts'
