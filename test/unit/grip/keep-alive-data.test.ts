import { describe, expect, it } from 'vitest'
import {
  decodeKeepAliveData,
  isKeepAliveFormat,
  type KeepAliveFormat,
} from '../../../src/grip/keep-alive-data.ts'

const bytes = (...values: number[]) => Uint8Array.from(values)
const text = (value: string) => new TextEncoder().encode(value)

describe('decodeKeepAliveData', () => {
  it.each<{ value: string; format: KeepAliveFormat; want: Uint8Array }>([
    { value: ':ka', format: 'raw', want: text(':ka') },
    // Raw data keeps backslashes as written.
    { value: ':\\n\\n', format: 'raw', want: text(':\\n\\n') },
    // Headers hold byte strings: "café" sent as UTF-8 arrives as "cafÃ©".
    { value: 'caf\u00c3\u00a9', format: 'raw', want: bytes(0x63, 0x61, 0x66, 0xc3, 0xa9) },
    { value: '€', format: 'raw', want: bytes(0xe2, 0x82, 0xac) },
    // GRIP-CONFORMANCE item 43: the usual SSE comment keep-alive.
    { value: ':ka\\n\\n', format: 'cstring', want: text(':ka\n\n') },
    // Item 46: the unknown `\t` escape is dropped.
    { value: 'a\\tb\\x41\\n', format: 'cstring', want: text('abA\n') },
    { value: '\\\\', format: 'cstring', want: text('\\') },
    { value: '\\r\\n', format: 'cstring', want: text('\r\n') },
    { value: '\\x00\\xff\\xAb', format: 'cstring', want: bytes(0x00, 0xff, 0xab) },
    { value: '\\q', format: 'cstring', want: bytes() },
    // Item 47.
    { value: 'AAEC', format: 'base64', want: bytes(0, 1, 2) },
    { value: 'aGk', format: 'base64', want: text('hi') },
    { value: 'aG k=', format: 'base64', want: text('hi') },
  ])('$format $value', ({ value, format, want }) => {
    expect(decodeKeepAliveData(value, format)).toStrictEqual({ ok: true, value: want })
  })

  it.each<{ value: string; format: KeepAliveFormat; want: string }>([
    { value: 'a\\', format: 'cstring', want: 'cstring data ends with a lone backslash' },
    { value: '\\x4', format: 'cstring', want: 'cstring data has an incomplete \\x escape' },
    {
      value: '\\x4g',
      format: 'cstring',
      want: 'cstring data has a \\x escape without two hex digits',
    },
    { value: '@@@@', format: 'base64', want: 'base64 data is not valid base64' },
    { value: 'a', format: 'base64', want: 'base64 data is not valid base64' },
  ])('$format $value fails', ({ value, format, want }) => {
    expect(decodeKeepAliveData(value, format)).toStrictEqual({ ok: false, error: want })
  })
})

describe('isKeepAliveFormat', () => {
  it.each([
    { name: 'raw', want: true },
    { name: 'cstring', want: true },
    { name: 'base64', want: true },
    { name: 'RAW', want: false },
    { name: 'hex', want: false },
    { name: '', want: false },
  ])('$name', ({ name, want }) => {
    expect(isKeepAliveFormat(name)).toBe(want)
  })
})
