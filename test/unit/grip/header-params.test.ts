import { describe, expect, it } from 'vitest'
import {
  findParam,
  parseHeaderElement,
  parseHeaderList,
  parseHeaderParams,
  parseHeaderParamsList,
  parseNonNegativeInt,
  splitHeaderList,
} from '../../../src/grip/header-params.ts'

describe('splitHeaderList', () => {
  it.each([
    { joined: '', want: [] },
    { joined: 'a', want: ['a'] },
    // GRIP-CONFORMANCE item 11: `Grip-Channel: a, b` is two channels.
    { joined: 'a, b', want: ['a', 'b'] },
    // Item 12: two header lines arrive from Headers.get() joined with ", ".
    { joined: 'mixA, mixB', want: ['mixA', 'mixB'] },
    { joined: '  a  ,\tb ', want: ['a', 'b'] },
    { joined: 'a,b,,c', want: ['a', 'b', '', 'c'] },
    { joined: ', a', want: ['', 'a'] },
    { joined: 'a, b,', want: ['a', 'b'] },
    { joined: 'a; f="x, y", b', want: ['a; f="x, y"', 'b'] },
    { joined: 'a; f="x\\", y", b', want: ['a; f="x\\", y"', 'b'] },
    { joined: 'a, b; f="open, c', want: ['a'] },
    { joined: 'a, b; f="x\\', want: ['a'] },
    { joined: 'a\u00a0', want: ['a\u00a0'] },
  ])('$joined', ({ joined, want }) => {
    expect(splitHeaderList(joined)).toStrictEqual(want)
  })
})

describe('parseHeaderElement', () => {
  it.each([
    { element: 'room-7', want: { value: 'room-7', params: [] } },
    {
      element: 'room-7; prev-id=41',
      want: { value: 'room-7', params: [{ name: 'prev-id', value: '41' }] },
    },
    {
      element: 'c; Prev-ID = 41 ; filter=skip-self; filter="a;b"',
      want: {
        value: 'c',
        params: [
          { name: 'Prev-ID', value: '41' },
          { name: 'filter', value: 'skip-self' },
          { name: 'filter', value: 'a;b' },
        ],
      },
    },
    {
      element: 'c; x="a\\"b\\\\c"',
      want: { value: 'c', params: [{ name: 'x', value: 'a"b\\c' }] },
    },
    {
      element: 'c; flag; y=2',
      want: {
        value: 'c',
        params: [
          { name: 'flag', value: undefined },
          { name: 'y', value: '2' },
        ],
      },
    },
    { element: 'c; x=', want: { value: 'c', params: [{ name: 'x', value: '' }] } },
    { element: 'c;;  ; y', want: { value: 'c', params: [{ name: 'y', value: undefined }] } },
    {
      element: 'c; x="1"junk; y=2',
      want: {
        value: 'c',
        params: [
          { name: 'x', value: '1' },
          { name: 'y', value: '2' },
        ],
      },
    },
    { element: 'c; x= "q"', want: { value: 'c', params: [{ name: 'x', value: 'q' }] } },
    {
      element: '<http://a/b>; rel=next; timeout=5',
      want: {
        value: '<http://a/b>',
        params: [
          { name: 'rel', value: 'next' },
          { name: 'timeout', value: '5' },
        ],
      },
    },
    // Keep-alive data runs to the first `;` and is not unescaped here (GRIP.md §5.3).
    {
      element: ':\\n\\n; format=cstring; timeout=20',
      want: {
        value: ':\\n\\n',
        params: [
          { name: 'format', value: 'cstring' },
          { name: 'timeout', value: '20' },
        ],
      },
    },
    // Single-valued headers are not split, so data may contain commas (GRIP.md §3.1).
    { element: 'a,b; x=1', want: { value: 'a,b', params: [{ name: 'x', value: '1' }] } },
    // The leading value is not unquoted.
    { element: '"room"', want: { value: '"room"', params: [] } },
  ])('$element', ({ element, want }) => {
    expect(parseHeaderElement(element)).toStrictEqual(want)
  })

  it('trims long runs of spaces in linear time', () => {
    const pad = ' '.repeat(200_000)
    expect(parseHeaderElement(`${pad}x${pad}; y=1${pad}`)).toStrictEqual({
      value: 'x',
      params: [{ name: 'y', value: '1' }],
    })
  })

  it.each(['c; x="open', 'c; x="a\\', 'c; y=1; x="a\\"'])('%s is invalid', (element) => {
    expect(parseHeaderElement(element)).toBeUndefined()
  })
})

describe('parseHeaderParams (all-parameters mode)', () => {
  it.each([
    { element: 'user="alice"', want: [{ name: 'user', value: 'alice' }] },
    {
      element: 'user=alice; x=y',
      want: [
        { name: 'user', value: 'alice' },
        { name: 'x', value: 'y' },
      ],
    },
    { element: 'flag', want: [{ name: 'flag', value: undefined }] },
    { element: '', want: [] },
  ])('$element', ({ element, want }) => {
    expect(parseHeaderParams(element)).toStrictEqual(want)
  })

  it('refuses an unterminated quote', () => {
    expect(parseHeaderParams('user="al')).toBeUndefined()
  })
})

describe('parseHeaderList', () => {
  it('returns nothing for an absent header', () => {
    expect(parseHeaderList(null)).toStrictEqual([])
  })

  it('parses each element and skips invalid ones', () => {
    expect(parseHeaderList('a, b; prev-id=1, c; filter="bad, d')).toStrictEqual([
      { value: 'a', params: [] },
      { value: 'b', params: [{ name: 'prev-id', value: '1' }] },
    ])
  })
})

describe('parseHeaderParamsList', () => {
  it('keeps empty elements, which Grip-Set-Meta refuses', () => {
    expect(parseHeaderParamsList('a="1", , b=2')).toStrictEqual([
      [{ name: 'a', value: '1' }],
      [],
      [{ name: 'b', value: '2' }],
    ])
  })

  it('returns nothing for an absent header', () => {
    expect(parseHeaderParamsList(null)).toStrictEqual([])
  })
})

describe('findParam', () => {
  const params = [
    { name: 'Rel', value: 'next' },
    { name: 'rel', value: 'gone' },
  ]

  it.each([
    { name: 'rel', want: { name: 'Rel', value: 'next' } },
    { name: 'REL', want: { name: 'Rel', value: 'next' } },
    { name: 'timeout', want: undefined },
  ])('$name', ({ name, want }) => {
    expect(findParam(params, name)).toStrictEqual(want)
  })
})

describe('parseNonNegativeInt', () => {
  it.each([
    { text: '0', want: 0 },
    { text: '55', want: 55 },
    { text: '007', want: 7 },
    { text: '2147483647', want: 2147483647 },
    { text: '2147483648', want: undefined },
    { text: '-1', want: undefined },
    { text: '+1', want: undefined },
    { text: ' 1', want: undefined },
    { text: '1.5', want: undefined },
    { text: '', want: undefined },
    { text: 'abc', want: undefined },
  ])('$text', ({ text, want }) => {
    expect(parseNonNegativeInt(text)).toBe(want)
  })
})
