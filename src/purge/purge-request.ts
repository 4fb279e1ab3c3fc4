/**
 * The body of `POST /_gripgate/purge`: `{ "keys": [...], "soft"?: bool }`.
 * @module
 */
import { err, ok, type Result } from '../result.ts'

/** A parsed purge request. */
export interface PurgeRequest {
  keys: string[]
  soft: boolean
}

/** A problem with the body, naming the field. */
export interface PurgeRequestProblem {
  field: string
  message: string
}

const MAX_KEYS = 1000
const MAX_KEY_LENGTH = 1024

/** Validates a decoded JSON body into a purge request. */
export function parsePurgeRequest(body: unknown): Result<PurgeRequest, PurgeRequestProblem> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return err({ field: '$', message: 'expected a JSON object' })
  }
  const record = body as Record<string, unknown>
  for (const name of Object.keys(record)) {
    if (name !== 'keys' && name !== 'soft')
      return err({ field: name, message: `unknown field "${name}"` })
  }
  const { keys, soft } = record
  if (!Array.isArray(keys) || keys.length === 0) {
    return err({ field: 'keys', message: 'expected a non-empty array of surrogate keys' })
  }
  if (keys.length > MAX_KEYS)
    return err({ field: 'keys', message: `at most ${MAX_KEYS} keys per purge` })
  for (const [index, key] of keys.entries()) {
    if (
      typeof key !== 'string' ||
      key.length === 0 ||
      key.length > MAX_KEY_LENGTH ||
      /\s/.test(key)
    ) {
      return err({
        field: `keys[${index}]`,
        message: `expected a non-empty key without spaces, at most ${MAX_KEY_LENGTH} characters`,
      })
    }
  }
  if (soft !== undefined && typeof soft !== 'boolean') {
    return err({ field: 'soft', message: 'expected a boolean' })
  }
  return ok({ keys: [...new Set(keys as string[])], soft: soft === true })
}
