/**
 * Small checks shared by the JSON instruction (GRIP.md §3.4) and publish (§8) parsers.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { textToByteString } from './bytes.ts'

/** A JSON object (not an array, not null). */
export type JsonObject = Record<string, unknown>

/** Whether `value` is a JSON object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Whether `object` has `key` as an own property (never an inherited one such as `toString`). */
export function has(object: JsonObject, key: string): boolean {
  return Object.hasOwn(object, key)
}

const SHOW_MAX = 40

/** Shows an untrusted value in an error message: JSON-quoted and cut short. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))
  const cut = text.length > SHOW_MAX ? `${text.slice(0, SHOW_MAX)}…` : text
  return JSON.stringify(cut)
}

// RFC 9110 §5.1 field-name = token; §5.5 field values must not carry CR, LF or NUL.
// Checking here keeps `new Headers(...)` downstream from throwing on untrusted input.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const BAD_VALUE_CHAR = /[\r\n\0]/

/** Whether `name` is a valid header field name. */
export function isHeaderName(name: string): boolean {
  return TOKEN.test(name)
}

/** Whether `value` may be used as a header field value or a reason phrase. */
export function isHeaderValue(value: string): boolean {
  return !BAD_VALUE_CHAR.test(value)
}

/** Why a JSON header list was refused: Pushpin's "with wrong type" vs "with invalid value". */
export interface HeadersProblem {
  kind: 'wrong type' | 'invalid value'
  detail: string
}

const refuse = (kind: HeadersProblem['kind'], detail: string) => err({ kind, detail })

/**
 * Reads `headers` given as an object or as an array of `[name, value]` pairs (GRIP.md
 * §3.4, §8.3). Names are lowercased (HTTP field names are case-insensitive, and `Headers`
 * lowercases them anyway); values become byte strings of their UTF-8, as Pushpin sends them.
 */
export function parseJsonHeaders(value: unknown): Result<[string, string][], HeadersProblem> {
  let entries: [unknown, unknown][]
  if (Array.isArray(value)) {
    entries = []
    for (const [index, pair] of value.entries()) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        return refuse('wrong type', `element ${index} is not a [name, value] pair`)
      }
      entries.push([pair[0], pair[1]])
    }
  } else if (isJsonObject(value)) {
    entries = Object.entries(value)
  } else {
    return refuse('wrong type', 'expected an object or an array of pairs')
  }
  const headers: [string, string][] = []
  for (const [name, text] of entries) {
    if (typeof name !== 'string') return refuse('wrong type', 'a header name is not a string')
    if (typeof text !== 'string') {
      return refuse('wrong type', `header ${show(name)} has a value that is not a string`)
    }
    if (!isHeaderName(name)) {
      return refuse('invalid value', `invalid header name ${show(name)}`)
    }
    if (!isHeaderValue(text)) {
      return refuse('invalid value', `invalid value for header ${show(name)}`)
    }
    headers.push([name.toLowerCase(), textToByteString(text)])
  }
  return ok(headers)
}

/** Whether `value` is an integer in `[min, max]`. */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
}
