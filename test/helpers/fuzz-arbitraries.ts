/**
 * fast-check generators shared by the fuzz properties: strings that reach the corners
 * (lone surrogates, control bytes, CR/LF, latin1), JSON that includes prototype-shaped keys,
 * header values, content types and byte bodies. Generators for one target live in its file.
 */
import fc from 'fast-check'

/** One UTF-16 code unit: lone surrogates, NUL, CR and LF included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n))

/** One printable ASCII character. */
const ascii = fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n))

/** Characters that matter to the parsers: separators, quotes, escapes and line ends. */
const special = fc.constantFrom(
  ',',
  ';',
  '=',
  '"',
  '\\',
  '<',
  '>',
  ' ',
  '\t',
  '\r',
  '\n',
  '\0',
  '%',
  '/',
  ':',
  '*',
  '-',
  '\u0080',
  '\u00ff',
  '\ud800',
  '\udfff',
  '\ufeff'
)

/** Any string, weighted towards short ASCII with the special characters above. */
export const anyString = (maxLength = 40) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength }) },
    { weight: 2, arbitrary: fc.string({ maxLength, unit: fc.oneof(special, ascii) }) },
    { weight: 1, arbitrary: fc.string({ maxLength, unit: codeUnit }) },
    { weight: 1, arbitrary: fc.string({ maxLength, unit: 'binary' }) }
  )

/** Keys that objects in JavaScript treat specially, mixed into generated JSON. */
export const trickyKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  ''
)

/** Numbers JSON can carry, extremes included. */
export const anyNumber = fc.oneof(
  fc.integer(),
  fc.constantFrom(
    0,
    -0,
    -1,
    1,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 53,
    1e308,
    -1e308,
    5e-324,
    0.5,
    999,
    1000
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true })
)

/** Any JSON value, with strings from `anyString` and some prototype-shaped keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    anyNumber,
    anyString(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(anyString(12), trickyKey), tie('value'), { maxKeys: 5 })
  ),
})).value

/**
 * `good` most of the time, any JSON otherwise: for fields whose shape matters, so the
 * parser gets past the first check often enough to reach the later ones.
 */
export const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 4, arbitrary: good as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: anyJson }
  )

/** An object with some of `fields` (each from its generator) and maybe a stray key. */
export const someOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.option(fc.tuple(fc.oneof(anyString(10), trickyKey), anyJson), { nil: undefined })
    )
    .map(([record, extra]) => {
      const out: Record<string, unknown> = { ...record }
      // defineProperty: a stray "__proto__" stays an own key, as JSON.parse would make it.
      if (extra) Object.defineProperty(out, extra[0], { value: extra[1], enumerable: true })
      return out
    })

/** Base64 text: valid most of the time, then with junk. */
export const base64ish = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString('base64')),
  anyString(20)
)

/**
 * A header value as an origin or a client could send it: latin1 without NUL, CR or LF and
 * without surrounding whitespace, which is what `Headers` accepts and keeps.
 */
export const headerValue = (maxLength = 60) =>
  fc
    .string({
      maxLength,
      unit: fc.oneof(
        special,
        { weight: 4, arbitrary: ascii },
        fc.integer({ min: 0x80, max: 0xff }).map((n) => String.fromCharCode(n)),
        // Control characters other than NUL, CR and LF are allowed in field values.
        fc.integer({ min: 0x01, max: 0x1f }).map((n) => String.fromCharCode(n)),
        fc.constant('\x7f')
      ),
    })
    .map((text) => text.replace(/[\r\n\0]|[^\0-\xff]/g, ' ').trim())

/** Content types, sensible and not. */
export const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/json; charset=utf-8',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/grip-instruct',
    'application/websocket-events',
    'application/problem+json',
    'APPLICATION/JSON',
    ''
  ),
  headerValue(30)
)

/** A body as bytes: random, or text in odd encodings (BOMs, UTF-16, invalid UTF-8). */
export const bodyBytes = (maxLength = 2048) =>
  fc.oneof(
    fc.uint8Array({ maxLength }),
    anyString(200).map((text) => new TextEncoder().encode(text)),
    anyString(100).map((text) => Uint8Array.from(Buffer.from(text, 'utf16le'))),
    anyJson.map((json) =>
      Uint8Array.of(0xef, 0xbb, 0xbf, ...Buffer.from(JSON.stringify(json) ?? 'null'))
    )
  )
