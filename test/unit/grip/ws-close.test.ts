import { describe, expect, it } from 'vitest'
import { utf8 } from '../../../src/grip/bytes.ts'
import {
  closeReason,
  fitsCloseReason,
  isSendableCloseCode,
  MAX_CLOSE_REASON_BYTES,
  utf8Prefix,
} from '../../../src/grip/ws-close.ts'

describe('isSendableCloseCode', () => {
  it.each<[number, boolean]>([
    [999, false],
    [1000, true],
    [1003, true],
    [1004, false],
    [1005, false],
    [1006, false],
    [1007, true],
    [1014, true],
    [1015, false],
    [1016, false],
    [2999, false],
    [3000, true],
    [4999, true],
    [5000, false],
    [4000.5, false],
    [Number.NaN, false],
  ])('%d → %s', (code, want) => {
    expect(isSendableCloseCode(code)).toBe(want)
  })
})

describe('close reasons', () => {
  it('fit 123 bytes of UTF-8', () => {
    expect(fitsCloseReason('a'.repeat(MAX_CLOSE_REASON_BYTES))).toBe(true)
    expect(fitsCloseReason('a'.repeat(MAX_CLOSE_REASON_BYTES + 1))).toBe(false)
    expect(fitsCloseReason('é'.repeat(62))).toBe(false)
  })

  it('are cut to fit without splitting a character', () => {
    const cut = closeReason('é'.repeat(100))
    expect(utf8(cut).length).toBe(122)
    expect(cut).toBe('é'.repeat(61))
    expect(closeReason('short')).toBe('short')
    expect(utf8Prefix('a€', 3)).toBe('a')
  })
})
