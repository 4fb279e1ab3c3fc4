/**
 * Field-level schemas shared by `schema.ts`: the value rules of the config file
 * (URLs, route paths, host names, seconds, secrets), each with a message that
 * says what was expected. `schema.ts` only arranges them into the file's shape.
 * @module
 */
import { z } from 'zod'
import { parseSecret } from '../auth/hmac-key.ts'
import { parseCidr } from '../http/ip.ts'
import { describeValue, expectedGot, quote } from './describe.ts'

/** The environment that `{ "env": "NAME" }` secrets are resolved from. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>

// JSON Schema patterns are plain ECMA-262 sources without flags, so none of these use flags.
const HTTP_URL = /^https?:\/\/[^/?#\s]+[^?#\s]*$/
const ROUTE_PATH = /^\/[^*]*\*?$/
const HOST = /^[^\s/]+$/
const NO_SPACE = /^\S+$/
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/** A non-empty string. */
// abort: an empty string should not also be reported by the pattern checks that follow.
export const text = () => z.string().min(1, { abort: true })

/** A whole number of seconds, zero allowed. */
export const seconds = (what: string) =>
  z.number().int().nonnegative().describe(`${what}, in whole seconds.`)

/** A whole number above zero (milliseconds, bytes). */
export const positiveInt = () => z.number().int().positive()

/** A host name, optionally with a port; rejects URLs pasted where a host belongs. */
export const hostName = () =>
  text().regex(HOST, {
    error: (iss) => `expected a host name such as "example.com", got ${describeValue(iss.input)}`,
  })

function urlProblem(value: string): string {
  if (!/^https?:\/\//.test(value)) {
    return `expected an absolute http: or https: URL such as "http://127.0.0.1:9000", got ${quote(value)}`
  }
  if (value.includes('?')) return `must not have a query string, got ${quote(value)}`
  if (value.includes('#')) return `must not have a fragment, got ${quote(value)}`
  return `expected an absolute http: or https: URL, got ${quote(value)}`
}

function isParsableUrl(value: string): boolean {
  try {
    new URL(value)
    return true
  } catch {
    return false
  }
}

/** An absolute http(s) base URL without query or fragment (the request path is appended). */
export const originUrl = () =>
  z
    .string()
    // abort: the URL parse below would only repeat the same complaint.
    .regex(HTTP_URL, { error: (iss) => urlProblem(String(iss.input)), abort: true })
    // The pattern cannot catch everything WHATWG URL rejects (`http://:80`); this part is parse-only.
    .refine(isParsableUrl, { error: (iss) => urlProblem(String(iss.input)) })

/** A route path: exact, or a prefix with a single trailing `*`. */
export const routePath = () =>
  z.string().regex(ROUTE_PATH, {
    error: (iss) =>
      String(iss.input).startsWith('/')
        ? `"*" may appear only once, as the last character (a prefix match), got ${quote(String(iss.input))}`
        : `must start with "/", got ${describeValue(iss.input)}`,
  })

/**
 * An absolute request path such as `/publish/`, taken literally. The gateway mounts it as a
 * Hono route, where `:name`, `*`, `?` and `{…}` are patterns: `/:id` would turn every
 * one-segment POST into a publish, so they are refused.
 */
export const absolutePath = () =>
  z.string().regex(/^\/[^:*?{}\s]*$/, {
    error: (iss) =>
      String(iss.input).startsWith('/')
        ? `must be a plain path without ":", "*", "?", "{", "}" or whitespace, got ${describeValue(iss.input)}`
        : `must start with "/", got ${describeValue(iss.input)}`,
  })

/** A surrogate key (cache tag) to purge by. */
export const surrogateKey = () =>
  // Surrogate-Key / Cache-Tag headers are space-separated lists, so a key cannot hold a space.
  text().regex(NO_SPACE, {
    error: (iss) => `must not contain whitespace, got ${describeValue(iss.input)}`,
  })

/** What a secret's value must look like, and what to say when it does not. */
export interface SecretCheck {
  accepts(value: string): boolean
  message: string
}

/** A signing or bearer key: text, or base64 bytes after `base64:`. */
const KEY_CHECK: SecretCheck = {
  accepts: (value) => parseSecret(value) !== undefined,
  message: 'expected base64 bytes after "base64:" (a key of at least one byte)',
}

/** A Redis URL (it may hold a password, so it is a secret). */
export const REDIS_URL_CHECK: SecretCheck = {
  accepts: (value) => {
    if (!/^rediss?:\/\/\S+$/.test(value)) return false
    try {
      return new URL(value).hostname !== ''
    } catch {
      return false
    }
  },
  message: 'expected a redis:// or rediss:// URL with a host',
}

/**
 * A secret written inline or as `{ "env": "NAME" }`, resolved from `env` while
 * parsing, so an unset variable is reported at the secret's own path together
 * with every other problem.
 */
export function secret(env: ConfigEnv, description: string, check: SecretCheck = KEY_CHECK) {
  const envRef = z.strictObject({
    env: text()
      .regex(ENV_NAME, {
        error: (iss) => `expected an environment variable name, got ${describeValue(iss.input)}`,
      })
      .describe('Name of the environment variable holding the secret.'),
  })
  return z
    .union([text(), envRef], {
      error: (iss) => expectedGot('a secret string or { "env": "NAME" }', iss.input),
    })
    .transform((value, ctx) => {
      // Own variables only: `env` may be a plain object, whose prototype has `constructor`.
      const named =
        typeof value === 'string'
          ? value
          : Object.hasOwn(env, value.env)
            ? env[value.env]
            : undefined
      const resolved = typeof named === 'string' ? named : undefined
      if (!resolved) {
        ctx.issues.push({
          code: 'custom',
          input: value,
          message: `environment variable ${(value as { env: string }).env} is ${resolved === undefined ? 'not set' : 'empty'}`,
        })
        return z.NEVER
      }
      // Checked here, not when used: a bad key would otherwise fail every origin request
      // (Grip-Sig) with a 500. The message never echoes the secret.
      if (!check.accepts(resolved)) {
        ctx.issues.push({
          code: 'custom',
          input: typeof value === 'string' ? '' : value,
          message: check.message,
        })
        return z.NEVER
      }
      return resolved
    })
    .describe(description)
}

/** An IP address or CIDR range (`10.0.0.0/8`, `::1`), IPv4 or IPv6. */
export const ipRange = () =>
  text().refine((value) => parseCidr(value).ok, {
    error: (iss) => {
      const parsed = parseCidr(String(iss.input))
      const why = parsed.ok ? '' : `${parsed.error}, `
      return `${why}such as "10.0.0.0/8" or "127.0.0.1", got ${describeValue(iss.input)}`
    },
  })
