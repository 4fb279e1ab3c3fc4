/**
 * Pushpin's grammar for GRIP instruction header values (GRIP.md §3.1).
 *
 * A list value is split on commas outside double quotes; each element is
 * `value *( ";" name [ "=" pvalue ] )`, where `value` runs to the first `;` (trimmed, not
 * unquoted) and a `pvalue` is a bare token or a quoted string with backslash escapes.
 *
 * Web `Headers.get()` joins repeated fields with ", ", so list parsers here take that
 * joined string: splitting it on commas outside quotes gives the same elements as
 * splitting each occurrence. (One corner differs: an occurrence with an unterminated
 * quote swallows the occurrences joined after it.) Single-valued headers (`Grip-Hold`,
 * `Grip-Timeout`, `Grip-Keep-Alive`, `Grip-Status`) must not be split, because their data
 * may contain commas; pass their value to `parseHeaderElement` whole.
 * @module
 */

/** One `name[=pvalue]` parameter. `value` is `undefined` when there is no `=`. */
export interface HeaderParam {
  name: string
  value: string | undefined
}

/** One list element: its leading value and its parameters, in order. */
export interface HeaderElement {
  value: string
  params: HeaderParam[]
}

// Qt's `trimmed()` strips ASCII whitespace only; String#trim would also eat U+00A0,
// which is a legitimate byte (0xA0) of a header byte string. A loop, not a `\s+$`
// regex, so long runs of spaces in untrusted values cost linear time.
const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r'

function trimAscii(text: string): string {
  let start = 0
  let end = text.length
  while (start < end && isSpace(text[start])) start++
  while (end > start && isSpace(text[end - 1])) end--
  return text.slice(start, end)
}

/**
 * Splits a (joined) list header on commas outside double quotes and trims each element.
 * Empty elements are kept, because `Grip-Set-Meta` treats them as errors; a trailing
 * comma yields no element, as in Pushpin. An element left inside an unterminated quote
 * (or ending in a dangling backslash escape) is dropped: GRIP.md §3.1 skips such elements.
 */
export function splitHeaderList(joined: string): string[] {
  const parts: string[] = []
  let start = 0
  let inQuote = false
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]
    if (inQuote) {
      if (c === '\\') i++
      else if (c === '"') inQuote = false
    } else if (c === '"') {
      inQuote = true
    } else if (c === ',') {
      parts.push(trimAscii(joined.slice(start, i)))
      start = i + 1
    }
  }
  if (!inQuote && start < joined.length) parts.push(trimAscii(joined.slice(start)))
  return parts
}

/** Reads a quoted string whose opening quote is just before `from`; `undefined` if unterminated. */
function readQuoted(text: string, from: number): { value: string; end: number } | undefined {
  let value = ''
  for (let i = from; i < text.length; i++) {
    const c = text[i]!
    if (c === '"') return { value, end: i + 1 }
    if (c === '\\') {
      if (i + 1 >= text.length) return undefined
      i++
      value += text[i]
    } else {
      value += c
    }
  }
  return undefined
}

/** Parses `name[=pvalue]` parameters separated by `;`, starting at `pos`. */
function parseParams(text: string, pos: number): HeaderParam[] | undefined {
  const params: HeaderParam[] = []
  while (pos < text.length) {
    let at = pos
    while (at < text.length && text[at] !== '=' && text[at] !== ';') at++
    const name = trimAscii(text.slice(pos, at))
    if (at === text.length || text[at] === ';') {
      // `a;;b` and `a; ` carry nothing; Pushpin keeps an empty-named parameter no lookup can match.
      if (name !== '') params.push({ name, value: undefined })
      pos = at + 1
      continue
    }
    let v = at + 1
    while (text[v] === ' ' || text[v] === '\t') v++
    if (text[v] === '"') {
      const quoted = readQuoted(text, v + 1)
      if (!quoted) return undefined
      params.push({ name, value: quoted.value })
      // Like Pushpin, anything between the closing quote and the next `;` is ignored.
      const semi = text.indexOf(';', quoted.end)
      pos = semi === -1 ? text.length : semi + 1
    } else {
      const semi = text.indexOf(';', at + 1)
      const end = semi === -1 ? text.length : semi
      params.push({ name, value: trimAscii(text.slice(at + 1, end)) })
      pos = end + 1
    }
  }
  return params
}

/**
 * Parses one element `value *( ";" name [ "=" pvalue ] )`. Returns `undefined` when a
 * quoted pvalue is unterminated or ends in a lone backslash (the element is invalid).
 */
export function parseHeaderElement(element: string): HeaderElement | undefined {
  const semi = element.indexOf(';')
  const value = trimAscii(semi === -1 ? element : element.slice(0, semi))
  const params = semi === -1 ? [] : parseParams(element, semi + 1)
  return params && { value, params }
}

/**
 * "All parameters" mode (Pushpin's `ParseAllParameters`, used by `Grip-Set-Meta`): the
 * element is parameters only, e.g. `user="alice"`. `undefined` when a quote is unterminated.
 */
export function parseHeaderParams(element: string): HeaderParam[] | undefined {
  return parseParams(element, 0)
}

/** Splits a joined list header and parses every element, skipping invalid ones. */
export function parseHeaderList(joined: string | null): HeaderElement[] {
  if (joined === null) return []
  const elements: HeaderElement[] = []
  for (const part of splitHeaderList(joined)) {
    const element = parseHeaderElement(part)
    if (element) elements.push(element)
  }
  return elements
}

/** Splits a joined list header and parses every element in "all parameters" mode. */
export function parseHeaderParamsList(joined: string | null): HeaderParam[][] {
  if (joined === null) return []
  const lists: HeaderParam[][] = []
  for (const part of splitHeaderList(joined)) {
    const params = parseHeaderParams(part)
    if (params) lists.push(params)
  }
  return lists
}

/** The first parameter named `name` (case-insensitive, GRIP.md §3.1), if any. */
export function findParam(params: readonly HeaderParam[], name: string): HeaderParam | undefined {
  const wanted = name.toLowerCase()
  return params.find((param) => param.name.toLowerCase() === wanted)
}

const INT32_MAX = 2 ** 31 - 1

/**
 * A non-negative decimal integer such as a `timeout` pvalue, or `undefined` for anything
 * else, including a sign, spaces or a value beyond Pushpin's 32-bit `int`.
 */
export function parseNonNegativeInt(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) return undefined
  const n = Number(text)
  return n <= INT32_MAX ? n : undefined
}
