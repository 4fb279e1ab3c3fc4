/**
 * Parses `gripgate.config.json` into a typed {@link GatewayConfig}, reporting
 * every problem at once (schema, cross-reference and secret problems), each at
 * a JSON path, in the order they appear in the file. Used by the CLI as
 * `parseConfigText` then `formatProblems`.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { quote } from './describe.ts'
import type { ConfigEnv } from './fields.ts'
import { createIssueReader, type LocatedProblem } from './issues.ts'
import { formatJsonPath, sortByDocumentOrder } from './json-path.ts'
import { parseJsonText } from './json-text.ts'
import { createConfigSchema } from './schema.ts'
import type { ConfigProblem, GatewayConfig } from './types.ts'

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Routes must name a defined origin. Checked on the raw document rather than in
 * the schema so it is reported even when other fields are broken; a JSON
 * Schema cannot express it, so it is parse-only.
 */
function checkRouteOrigins(raw: unknown): LocatedProblem[] {
  if (!isObject(raw) || !isObject(raw.origins) || !Array.isArray(raw.routes)) return []
  const names = Object.keys(raw.origins).map((name) =>
    /^[\w.-]+$/.test(name) ? name : quote(name)
  )
  const defined =
    names.length > 0 ? `defined origins: ${names.join(', ')}` : 'no origins are defined'
  return raw.routes.flatMap((route, index): LocatedProblem[] => {
    if (!isObject(route) || typeof route.origin !== 'string' || route.origin === '') return []
    if (Object.hasOwn(raw.origins as object, route.origin)) return []
    return [
      {
        segments: ['routes', index, 'origin'],
        message: `unknown origin ${quote(route.origin)}; ${defined}`,
      },
    ]
  })
}

/** Checks that need the whole document; a new one is one more entry here. */
const CROSS_CHECKS: ReadonlyArray<(raw: unknown) => LocatedProblem[]> = [checkRouteOrigins]

/**
 * Validates a parsed config document, applies defaults and resolves
 * `{ "env": "NAME" }` secrets from `env`. Never throws on bad input.
 */
export function parseConfig(raw: unknown, env: ConfigEnv): Result<GatewayConfig, ConfigProblem[]> {
  const reader = createIssueReader()
  const result = createConfigSchema(env).safeParse(raw, {
    error: reader.errorMap,
    reportInput: true,
  })
  const located = [
    ...(result.success ? [] : reader.toProblems(result.error.issues)),
    ...CROSS_CHECKS.flatMap((check) => check(raw)),
  ]
  if (result.success && located.length === 0) return ok(result.data)
  return err(
    sortByDocumentOrder(raw, located).map((p) => ({
      path: formatJsonPath(p.segments),
      message: p.message,
    }))
  )
}

/** Like {@link parseConfig}, from the file's text; invalid JSON is one problem at `$` with line and column. */
export function parseConfigText(
  text: string,
  env: ConfigEnv
): Result<GatewayConfig, ConfigProblem[]> {
  const json = parseJsonText(text)
  if (!json.ok) return err([{ path: '$', message: json.error }])
  return parseConfig(json.value, env)
}

/** Renders problems one per line as `  $.path: message`, for terminals and logs. */
export function formatProblems(problems: readonly ConfigProblem[]): string {
  return problems.map((problem) => `  ${problem.path}: ${problem.message}`).join('\n')
}
