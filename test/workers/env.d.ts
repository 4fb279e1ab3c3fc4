// `env` from cloudflare:test is the Worker's env: wrangler.toml plus the project's bindings.
import type { GatewayEnv } from '../../edge/cloudflare/env.ts'

declare global {
  namespace Cloudflare {
    interface Env extends GatewayEnv {
      TEST_PUBLISH_KEY: string
    }
  }
}
