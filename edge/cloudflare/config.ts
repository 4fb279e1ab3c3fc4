/**
 * The gateway config on Workers: the same JSON as `gripgate.config.json` on Node, in the
 * `GRIPGATE_CONFIG` variable, with `{ "env": "NAME" }` secrets read from the Worker's other
 * variables and secrets (`wrangler secret put NAME`, or `.dev.vars` locally). The Worker and
 * the fanout tier's Durable Objects read it alike.
 * @module
 */
import { parseConfig, parseConfigText } from '../../src/config/parse.ts'
import type { ConfigProblem, GatewayConfig } from '../../src/config/types.ts'
import { err, type Result } from '../../src/result.ts'

/** The variables every part of the Worker reads to set itself up. */
export interface ConfigEnv {
  /**
   * The gateway config: the JSON of `gripgate.config.json`, as text (`--var`, a secret) or as
   * a JSON object (`[vars]` in wrangler.toml). `{ "env": "NAME" }` secrets read other vars.
   */
  GRIPGATE_CONFIG?: string | Record<string, unknown>
  /** Log level: debug, info (default), warn or error. */
  GRIPGATE_LOG?: string
}

/** The string-valued entries of `env`, where `{ "env": "NAME" }` secrets are looked up. */
export function stringVars(env: object): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') vars[name] = value
  return vars
}

/** Parses `env.GRIPGATE_CONFIG` (JSON text, or a JSON object from `[vars]`); never throws. */
export function configFromEnv(env: ConfigEnv): Result<GatewayConfig, ConfigProblem[]> {
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
