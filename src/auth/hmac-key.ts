/**
 * Shared secrets as GRIP configurations write them: plain text, or `base64:<b64>` for
 * binary keys (the GRIP_URL convention of Pushpin and the GRIP libraries).
 * @module
 */

const BASE64_PREFIX = 'base64:'

/**
 * The bytes of a configured secret, or undefined for a `base64:` secret that does not decode
 * to at least one byte (HMAC refuses an empty key). The config parser refuses those, so
 * signing and verifying never meet one.
 */
export function parseSecret(secret: string): Uint8Array | undefined {
  if (!secret.startsWith(BASE64_PREFIX)) return new TextEncoder().encode(secret)
  let binary: string
  try {
    binary = atob(secret.slice(BASE64_PREFIX.length))
  } catch {
    return undefined
  }
  return binary.length > 0 ? Uint8Array.from(binary, (char) => char.charCodeAt(0)) : undefined
}

/** The bytes of a configured secret; throws for one `parseSecret` refuses. */
export function secretBytes(secret: string): Uint8Array {
  const bytes = parseSecret(secret)
  if (!bytes) throw new RangeError('the secret is not valid base64 after "base64:"')
  return bytes
}
