import { describe, expect, it } from 'vitest'
import { bearerToken, isKnownKey, timingSafeEqual } from '../../../src/auth/bearer.ts'

describe('bearerToken', () => {
  it.each<[string | null | undefined, string | undefined]>([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER   abc  ', 'abc'],
    ['Bearer\tabc', 'abc'],
    ['Bearer a.b-c_d~e+f/g=', 'a.b-c_d~e+f/g='],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer a b', undefined],
    ['Basic YTpi', undefined],
    [' Bearer abc', undefined],
    ['Bearerabc', undefined],
  ])('%j → %j', (header, want) => {
    expect(bearerToken(header)).toBe(want)
  })
})

describe('timingSafeEqual', () => {
  it.each<[string, string, boolean]>([
    ['', '', true],
    ['secret', 'secret', true],
    ['secret', 'secreT', false],
    ['secret', 'secret2', false],
    ['secret2', 'secret', false],
    ['', 'a', false],
    ['é', 'é', true],
    ['é', 'e', false],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(timingSafeEqual(a, b)).toBe(want)
  })
})

describe('isKnownKey', () => {
  it.each<[string | undefined, string[], boolean]>([
    [undefined, ['k1'], false],
    ['k1', [], false],
    ['k1', ['k1'], true],
    ['k2', ['k1', 'k2', 'k3'], true],
    ['k', ['k1', 'k2'], false],
    ['', [''], true],
  ])('%j in %j → %s', (token, keys, want) => {
    expect(isKnownKey(token, keys)).toBe(want)
  })
})
