import { describe, expect, it } from 'vitest'
import { dictionaryMembers, isValidCdnCacheControl } from '../../../src/http/structured-fields.ts'

describe('CDN-Cache-Control as a Structured Field dictionary (RFC 9213 §2.1)', () => {
  it.each([
    'max-age=60',
    'max-age=60, stale-while-revalidate=30',
    'private',
    'no-store, max-age=0',
    'x="a,b"',
  ])('accepts %s', (value) => {
    expect(isValidCdnCacheControl(value)).toBe(true)
  })

  it.each([
    ['an unknown item type', 'max-age=10000, &&&&&'],
    ['a string where an integer belongs', 'max-age="10000"'],
    ['a decimal max-age', 'max-age=1.5'],
    ['an upper-case key', 'Max-Age=10'],
    ['a trailing comma', 'max-age=10,'],
  ])('rejects %s', (_name, value) => {
    expect(isValidCdnCacheControl(value)).toBe(false)
  })

  it('splits members, keeping commas inside strings', () => {
    expect(dictionaryMembers('a=1, b, c="x,y";p=1')).toEqual(
      new Map<string, string | true>([
        ['a', '1'],
        ['b', true],
        ['c', '"x,y"'],
      ])
    )
  })
})
