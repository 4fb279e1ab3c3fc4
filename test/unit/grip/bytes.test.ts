import { describe, expect, it } from 'vitest'
import {
  byteStringToBytes,
  byteStringToText,
  decodeBase64,
  textToByteString,
} from '../../../src/grip/bytes.ts'

describe('byteStringToText', () => {
  it.each([
    { value: 'room-7', want: 'room-7' },
    { value: 'caf\u00c3\u00a9', want: 'café' },
    { value: 'caf\u00e9', want: 'caf\ufffd' },
    { value: 'café €', want: 'café €' },
  ])('$value', ({ value, want }) => {
    expect(byteStringToText(value)).toBe(want)
  })
})

describe('textToByteString', () => {
  it.each([
    { text: 'plain', want: 'plain' },
    { text: 'é', want: '\u00c3\u00a9' },
  ])('$text', ({ text, want }) => {
    expect(textToByteString(text)).toBe(want)
  })

  it('round-trips through byteStringToText', () => {
    expect(byteStringToText(textToByteString('naïve ☃'))).toBe('naïve ☃')
  })
})

describe('byteStringToBytes', () => {
  it('takes each char as one byte', () => {
    expect(byteStringToBytes('a\u00ff')).toStrictEqual(Uint8Array.from([0x61, 0xff]))
  })
})

describe('decodeBase64', () => {
  it.each([
    { text: 'aGk=', want: Uint8Array.from([0x68, 0x69]) },
    { text: 'AAEC/w==', want: Uint8Array.from([0, 1, 2, 255]) },
    { text: '3q2+7w==', want: Uint8Array.from([0xde, 0xad, 0xbe, 0xef]) },
    { text: '', want: Uint8Array.from([]) },
    { text: '3q2-7w==', want: undefined },
    { text: 'aGk=x', want: undefined },
  ])('$text', ({ text, want }) => {
    expect(decodeBase64(text)).toStrictEqual(want)
  })
})
