import { describe, expect, it } from 'vitest'
import { deltaSeconds, formatDirectives, parseDirectives } from '../../../src/http/cache-control.ts'

describe('parseDirectives', () => {
  it.each<[string | null | undefined, [string, string | true][]]>([
    [undefined, []],
    [null, []],
    ['', []],
    ['max-age=60', [['max-age', '60']]],
    [
      'Public, Max-Age=60',
      [
        ['public', true],
        ['max-age', '60'],
      ],
    ],
    [
      'no-store,no-cache',
      [
        ['no-store', true],
        ['no-cache', true],
      ],
    ],
    ['  s-maxage = 30  ', [['s-maxage', '30']]],
    ['s-maxage="30"', [['s-maxage', '30']]],
    [
      'no-cache="set-cookie, x-token", max-age=5',
      [
        ['no-cache', 'set-cookie, x-token'],
        ['max-age', '5'],
      ],
    ],
    ['max-age=1, max-age=2', [['max-age', '1']]],
    [' , ,public,', [['public', true]]],
    ['=5, private', [['private', true]]],
    ['x-ext=a=b', [['x-ext', 'a=b']]],
    ['max-age=', [['max-age', '']]],
  ])('%j', (value, want) => {
    expect([...parseDirectives(value)]).toEqual(want)
  })
})

describe('formatDirectives', () => {
  it.each<[[string, string | true][], string]>([
    [[], ''],
    [[['public', true]], 'public'],
    [
      [
        ['public', true],
        ['s-maxage', '60'],
        ['stale-while-revalidate', '30'],
      ],
      'public, s-maxage=60, stale-while-revalidate=30',
    ],
  ])('%j → %s', (entries, want) => {
    expect(formatDirectives(new Map(entries))).toBe(want)
  })

  it('round-trips through parseDirectives', () => {
    const value = 'private, max-age=0, must-revalidate'
    expect(formatDirectives(parseDirectives(value))).toBe(value)
  })
})

describe('deltaSeconds', () => {
  it.each<[string, number | undefined]>([
    ['max-age=60', 60],
    ['max-age=0', 0],
    ['max-age=007', 7],
    ['max-age="60"', 60],
    ['max-age=-1', undefined],
    ['max-age=1.5', undefined],
    ['max-age=1e3', undefined],
    ['max-age=abc', undefined],
    ['max-age=', undefined],
    ['max-age', undefined],
    ['s-maxage=60', undefined],
    ['max-age=99999999999', 2 ** 31],
  ])('%s → %s', (value, want) => {
    expect(deltaSeconds(parseDirectives(value), 'max-age')).toBe(want)
  })
})
