/**
 * Cache-Control style directive lists (RFC 9111 §5.2), also used for the targeted
 * fields CDN-Cache-Control (RFC 9213) and Surrogate-Control (Edge Architecture 1.0).
 * @module
 */

/** Directive name (lowercase) → value; `true` for a directive without a value. */
export type Directives = Map<string, string | true>

/** Parses a directive list; unknown directives are kept, malformed pieces skipped. */
export function parseDirectives(value: string | null | undefined): Directives {
  const out: Directives = new Map()
  if (!value) return out
  // Split on commas outside quoted strings (a quoted field-name list may contain commas).
  for (const part of value.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const eq = part.indexOf('=')
    const name = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase()
    if (!name || out.has(name)) continue
    if (eq === -1) {
      out.set(name, true)
      continue
    }
    const raw = part.slice(eq + 1).trim()
    out.set(name, raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw)
  }
  return out
}

/** Serializes directives back to a field value. */
export function formatDirectives(directives: Directives): string {
  return [...directives]
    .map(([name, value]) => (value === true ? name : `${name}=${value}`))
    .join(', ')
}

/**
 * Reads a delta-seconds directive (RFC 9111 §1.2.2): non-negative integer, else undefined.
 * A value too large for us saturates, as the RFC asks.
 */
export function deltaSeconds(directives: Directives, name: string): number | undefined {
  const value = directives.get(name)
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return undefined
  return Math.min(Number(value), 2 ** 31)
}
