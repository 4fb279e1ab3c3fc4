/**
 * JSON text → value, with a syntax error located by line and column.
 *
 * `JSON.parse` does the parsing; its error messages differ per engine (V8 gives
 * a position only for some errors, SpiderMonkey on Fastly gives line/column),
 * so on failure a small scanner finds the first bad character itself.
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { quote } from './describe.ts'

/** The first syntax error in a JSON text: its UTF-16 offset and what was wrong there. */
export interface JsonSyntaxError {
  offset: number
  reason: string
}

/** Parses JSON text, tolerating a leading byte-order mark (some Windows editors write one). */
export function parseJsonText(text: string): Result<unknown, string> {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text
  try {
    return ok(JSON.parse(source))
  } catch (cause) {
    const found = findJsonSyntaxError(source)
    if (!found)
      return err(`invalid JSON: ${cause instanceof Error ? cause.message : String(cause)}`)
    const before = source.slice(0, found.offset).split('\n')
    const column = before.at(-1)!.length + 1
    return err(`invalid JSON at line ${before.length}, column ${column}: ${found.reason}`)
  }
}

class Stop {
  constructor(
    readonly at: number,
    readonly reason: string
  ) {}
}

/** Finds the first syntax error in `text` (RFC 8259 grammar), or undefined if it is valid. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0
  const stop = (reason: string, at = i): never => {
    throw new Stop(at, reason)
  }
  const got = () => {
    if (i >= text.length) return 'the end of the text'
    if (text[i] === '/') return '"/" (comments are not allowed in JSON)'
    if (text[i] === "'") return `"'" (JSON strings use double quotes)`
    return quote(text[i]!)
  }
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++
  }
  const expect = (char: string, what: string) => {
    space()
    if (text[i] !== char) stop(`expected ${what}, got ${got()}`)
    i++
  }
  const string = () => {
    const start = i++
    while (text[i] !== '"') {
      if (i >= text.length) stop('unterminated string', start)
      const code = text.charCodeAt(i)
      if (code < 0x20) stop('control character in a string (write \\n or \\t instead)')
      if (text[i] === '\\') {
        i++
        if (text[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4
        else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) stop('invalid escape sequence in a string')
      }
      i++
    }
    i++
  }
  const number = () => {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i))
    if (!match) stop(`invalid number, got ${got()}`)
    i += match![0].length
  }
  const sequence = (close: string, item: () => void, noun: string) => {
    i++
    space()
    let first = true
    while (text[i] !== close) {
      if (!first) {
        if (text[i] !== ',') stop(`expected "," or "${close}" after ${noun}, got ${got()}`)
        i++
        space()
        if (text[i] === close) stop(`trailing comma before "${close}" is not allowed in JSON`)
      }
      first = false
      item()
      space()
    }
    i++
  }
  const member = () => {
    space()
    if (text[i] !== '"') stop(`expected a double-quoted field name, got ${got()}`)
    string()
    expect(':', '":" after the field name')
    value()
  }
  const value = (): void => {
    space()
    const char = text[i] ?? ''
    const word = ['true', 'false', 'null'].find((w) => text.startsWith(w, i))
    if (char === '{') sequence('}', member, 'a field value')
    else if (char === '[') sequence(']', value, 'an array item')
    else if (char === '"') string()
    else if (char === '-' || (char >= '0' && char <= '9')) number()
    else if (word) i += word.length
    else stop(`expected a value, got ${got()}`)
  }
  try {
    value()
    space()
    if (i < text.length) stop(`unexpected ${got()} after the JSON value`)
    return undefined
  } catch (caught) {
    // A RangeError (absurd nesting) falls through to JSON.parse's own message.
    if (caught instanceof Stop) return { offset: caught.at, reason: caught.reason }
    return undefined
  }
}
