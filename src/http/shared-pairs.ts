/**
 * Header pairs shared by everything that keeps the same field. A held WebSocket keeps its
 * WebSocket-over-HTTP fields for its lifetime, and most are the same on every socket (Host,
 * User-Agent, Origin, the fixed content type): one `[name, value]` array per distinct field
 * instead of one per socket (issue #18). Shared pairs are never changed in place.
 * @module
 */

/** Distinct pairs kept; past it the table starts over (pairs handed out stay valid). */
const MAX_PAIRS = 4096
/** Longer values are not worth a table entry (they are rarely shared). */
const MAX_VALUE_LENGTH = 256

const table = new Map<string, [string, string]>()

/** The shared `[name, value]` pair for a field; a fresh one for a long value. */
export function sharedPair(name: string, value: string): [string, string] {
  if (value.length > MAX_VALUE_LENGTH) return [name, value]
  // A field name holds no ':' (RFC 9110 §5.1 token), so the key is unambiguous.
  const key = `${name}:${value}`
  let pair = table.get(key)
  if (!pair) {
    if (table.size >= MAX_PAIRS) table.clear()
    pair = [name, value]
    table.set(key, pair)
  }
  return pair
}
