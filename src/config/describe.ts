/**
 * Small wording helpers shared by the config problem messages, so every
 * message quotes values the same way (`got string "abc"`, `got an array`).
 * @module
 */

/** Longest string echoed back in a message; config values can be long URLs or keys. */
const MAX_ECHO = 60

/** Quotes a string as JSON, shortening it so one bad value cannot flood the output. */
export function quote(value: string): string {
  return JSON.stringify(value.length > MAX_ECHO ? `${value.slice(0, MAX_ECHO)}…` : value)
}

/** Names a value together with its JSON type, e.g. `string "abc"`, `number 5`, `an array`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  switch (typeof value) {
    case 'string':
      return `string ${quote(value)}`
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`
    case 'object':
      return 'an object'
    default:
      return typeof value
  }
}

/** The message for a value of the wrong shape; a missing value is reported as missing instead. */
export function expectedGot(expected: string, value: unknown): string {
  return value === undefined
    ? 'required field is missing'
    : `expected ${expected}, got ${describeValue(value)}`
}

/** Joins alternatives as prose: `a`, `a or b`, `a, b or c`. */
export function oneOf(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`
}

/**
 * The known name closest to a misspelt one, if any is close enough to be a
 * plausible typo (at most 2 edits, fewer for short names, or a case-only difference).
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.min(2, Math.floor(name.length / 2))
  for (const candidate of known) {
    if (candidate.toLowerCase() === name.toLowerCase()) return candidate
    const distance = editDistance(name, candidate)
    if (distance <= bestDistance) {
      best = candidate
      bestDistance = distance - 1
    }
  }
  return best
}

/**
 * Edit distance counting a swap of neighbours as one edit (optimal string
 * alignment), since `tiemoutMs` is the typical typo; names are short, so the
 * full table is fine.
 */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0))
  )
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1)
      }
      d[i]![j] = best
    }
  }
  return d[a.length]![b.length]!
}
