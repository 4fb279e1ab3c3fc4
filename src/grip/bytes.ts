/**
 * Byte and text conversions for GRIP parsing.
 *
 * Fetch `Headers` hold *byte strings*: each char is one byte of the field value (Fetch
 * "isomorphic decode"; Node's undici decodes header bytes as Latin-1). Pushpin reads
 * names such as channels as UTF-8 (`QString::fromUtf8`), so text taken from a header goes
 * through `byteStringToText`, while values that go back into `Headers` stay byte strings.
 * @module
 */

const encoder = new TextEncoder()
const utf8Decoder = new TextDecoder('utf-8')

/** The decoder constructor with its options, which js-compute's types leave out. */
type DecoderWithOptions = new (
  label: string,
  options: { fatal: boolean; ignoreBOM: boolean }
) => { decode(input: Uint8Array): string }

/**
 * A UTF-8 decoder that throws on invalid bytes (Pushpin refuses such JSON). js-compute's
 * decoder is never fatal: on Fastly the bytes are replaced instead, on a path (instruction
 * bodies of requests that were not handed off) that ends in a 502 either way.
 */
export const strictUtf8 = new (TextDecoder as unknown as DecoderWithOptions)('utf-8', {
  fatal: true,
  ignoreBOM: false,
})

const isAscii = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false
  return true
}

const isByteString = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false
  return true
}

/** Encodes text as UTF-8. */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text)
}

/**
 * The bytes of a header value. A string that is not a byte string (some runtimes hand
 * out decoded text) is taken as text and encoded as UTF-8.
 */
export function byteStringToBytes(value: string): Uint8Array {
  if (!isByteString(value)) return utf8(value)
  const bytes = new Uint8Array(value.length)
  for (let i = 0; i < value.length; i++) bytes[i] = value.charCodeAt(i)
  return bytes
}

/** A header value read as UTF-8 text (invalid sequences become U+FFFD, as in Qt). */
export function byteStringToText(value: string): string {
  if (isAscii(value) || !isByteString(value)) return value
  return utf8Decoder.decode(byteStringToBytes(value))
}

/** Text turned into the byte string of its UTF-8 encoding, fit for `Headers`. */
export function textToByteString(text: string): string {
  if (isAscii(text)) return text
  let out = ''
  for (const byte of utf8(text)) out += String.fromCharCode(byte)
  return out
}

/**
 * Decodes standard base64 (RFC 4648 §4) with the WHATWG "forgiving" rules of `atob`:
 * ASCII whitespace and missing padding are accepted, any other stray character is not.
 * Pushpin's `QByteArray::fromBase64` skips stray characters instead; rejecting them
 * reports publisher bugs rather than delivering truncated bytes.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  let binary: string
  try {
    binary = atob(text)
  } catch {
    return undefined
  }
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
