/**
 * JSON paths for config problems (`$.routes[0].origin`, `$.origins["my app"].url`)
 * and the document order they are reported in.
 * @module
 */

/** One step into a JSON document: an object key or an array index. */
export type PathSegment = string | number

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** Formats segments as a JSON path: dots for identifier-like keys, quoted brackets otherwise. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let path = '$'
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`
    else if (IDENTIFIER.test(segment)) path += `.${segment}`
    else path += `[${JSON.stringify(segment)}]`
  }
  return path
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Where a path points in `doc`, as one index per level: array index, or the
 * key's position among the object's keys. A key the document lacks (a missing
 * required field) sorts after the keys it has.
 */
function position(doc: unknown, segments: readonly PathSegment[]): number[] {
  const result: number[] = []
  let node = doc
  for (const segment of segments) {
    if (Array.isArray(node) && typeof segment === 'number') {
      result.push(segment)
      node = node[segment]
    } else if (isObject(node)) {
      const keys = Object.keys(node)
      const index = keys.indexOf(String(segment))
      result.push(index < 0 ? keys.length : index)
      if (index < 0) break
      node = node[String(segment)]
    } else {
      break
    }
  }
  return result
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!
  }
  return a.length - b.length
}

/**
 * Sorts items by where their path appears in `doc`, parents before children.
 * The sort is stable, so ties (e.g. two missing fields) keep the order given.
 */
export function sortByDocumentOrder<T extends { segments: readonly PathSegment[] }>(
  doc: unknown,
  items: readonly T[]
): T[] {
  return items
    .map((item) => ({ item, at: position(doc, item.segments) }))
    .sort((x, y) => compare(x.at, y.at))
    .map(({ item }) => item)
}
