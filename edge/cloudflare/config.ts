/**
 * The gateway config on Workers: the same JSON as `gripgate.config.json` on Node, in the
 * `GRIPGATE_CONFIG` variable, with `{ "env": "NAME" }` secrets read from the Worker's other
 * variables and secrets (`wrangler secret put NAME`, or `.dev.vars` locally).
 * @module
 */
import { parseConfig, parseConfigText } from '../../src/config/parse.ts'
import type { ConfigProblem, GatewayConfig } from '../../src/config/types.ts'
import { err, type Result } from '../../src/result.ts'
import { type GatewayEnv, stringVars } from './env.ts'

/** Parses `env.GRIPGATE_CONFIG` (JSON text, or a JSON object from `[vars]`); never throws. */
export function configFromEnv(env: GatewayEnv): Result<GatewayConfig, ConfigProblem[]> {
  const raw = env.GRIPGATE_CONFIG
  if (raw === undefined || raw === '') {
    return err([
      {
        path: '$',
        message:
          'GRIPGATE_CONFIG is not set: pass the gateway config JSON as a variable (docs/cloudflare.md)',
      },
    ])
  }
  const vars = stringVars(env)
  return typeof raw === 'string' ? parseConfigText(raw, vars) : parseConfig(raw, vars)
}
