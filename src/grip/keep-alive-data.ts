/**
 * Decoding of `Grip-Keep-Alive` data by its `format` parameter (GRIP.md §3.2, §5.3).
 * @module
 */
import { err, ok, type Result } from '../result.ts'
import { byteStringToBytes, decodeBase64 } from './bytes.ts'

/** How keep-alive data is written in the header. */
export type KeepAliveFormat = 'raw' | 'cstring' | 'base64'

/** Whether `name` is a known keep-alive format (compared case-sensitively, as Pushpin does). */
export function isKeepAliveFormat(name: string): name is KeepAliveFormat {
  return name === 'raw' || name === 'cstring' || name === 'base64'
}

const hexValue = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10
  return -1
}

const BACKSLASH = 0x5c

/**
 * Unescapes Pushpin's `cstring` format: `\\`, `\r`, `\n` and `\xHH`. Any other escape is
 * removed silently, backslash and all: `a\tb\x41\n` gives `abA\n` (GRIP.md §5.3, checked
 * live). A trailing lone backslash, a short `\x` or a non-hex digit is an error.
 */
export function unescapeCString(bytes: Uint8Array): Result<Uint8Array, string> {
  const out: number[] = []
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!
    if (c !== BACKSLASH) {
      out.push(c)
      continue
    }
    if (i + 1 >= bytes.length) return err('cstring data ends with a lone backslash')
    const escaped = bytes[++i]!
    if (escaped === BACKSLASH) out.push(BACKSLASH)
    else if (escaped === 0x72) out.push(0x0d)
    else if (escaped === 0x6e) out.push(0x0a)
    else if (escaped === 0x78) {
      if (i + 2 >= bytes.length) return err('cstring data has an incomplete \\x escape')
      const hi = hexValue(bytes[i + 1]!)
      const lo = hexValue(bytes[i + 2]!)
      if (hi < 0 || lo < 0) return err('cstring data has a \\x escape without two hex digits')
      out.push(hi * 16 + lo)
      i += 2
    }
  }
  return ok(Uint8Array.from(out))
}

/**
 * Decodes keep-alive data as written in a header value (a byte string, see `bytes.ts`):
 * `raw` as is, `cstring` unescaped, `base64` decoded.
 */
export function decodeKeepAliveData(
  value: string,
  format: KeepAliveFormat
): Result<Uint8Array, string> {
  if (format === 'raw') return ok(byteStringToBytes(value))
  if (format === 'cstring') return unescapeCString(byteStringToBytes(value))
  const bytes = decodeBase64(value)
  return bytes ? ok(bytes) : err('base64 data is not valid base64')
}
