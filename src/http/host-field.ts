/**
 * `Host` must appear once (RFC 9112 §3.2: a server MUST answer 400 to a request with more
 * than one). Two Host fields let a front end and a back end disagree on the target: node:http
 * keeps the first in `headers`, web `Headers` join both, an origin may take the last.
 * @module
 */

/** Whether a raw header list (name, value, name, value, …) holds more than one `Host`. */
export function hasRepeatedHost(rawHeaders: readonly string[]): boolean {
  let seen = false
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!
    if (name.length === 4 && name.toLowerCase() === 'host') {
      if (seen) return true
      seen = true
    }
  }
  return false
}

/**
 * Whether a `Host` value as web `Headers` give it is a list: a repeated field joined with
 * ", ". A host name never holds a comma.
 */
export function isListHost(value: string | null | undefined): boolean {
  return value?.includes(',') ?? false
}
