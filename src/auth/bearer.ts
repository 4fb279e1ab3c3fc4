/**
 * Bearer credentials for the publish and purge endpoints.
 * @module
 */

/** The token of an `Authorization: Bearer <token>` field, or undefined. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  return match?.[1]
}

/**
 * Compares two secrets in time that depends only on their lengths, so a caller cannot
 * learn a key byte by byte from response timings.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a)
  const right = new TextEncoder().encode(b)
  let diff = left.length ^ right.length
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    diff |= (left[i] ?? 0) ^ (right[i] ?? 0)
  }
  return diff === 0
}

/** Whether `token` equals one of `keys`. Every key is compared, matched or not. */
export function isKnownKey(token: string | undefined, keys: readonly string[]): boolean {
  if (token === undefined) return false
  let found = false
  for (const key of keys) if (timingSafeEqual(token, key)) found = true
  return found
}
