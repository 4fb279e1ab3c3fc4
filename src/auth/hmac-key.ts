/**
 * Shared secrets as GRIP configurations write them: plain text, or `base64:<b64>` for
 * binary keys (the GRIP_URL convention of Pushpin and the GRIP libraries).
 * @module
 */

/** The bytes of a configured secret. */
export function secretBytes(secret: string): Uint8Array {
  if (secret.startsWith('base64:')) {
    const binary = atob(secret.slice('base64:'.length))
    return Uint8Array.from(binary, (char) => char.charCodeAt(0))
  }
  return new TextEncoder().encode(secret)
}
