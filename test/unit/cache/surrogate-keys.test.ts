import { describe, expect, it } from 'vitest'
import {
  gripChannelsOf,
  SURROGATE_KEY_FIELDS,
  surrogateKeysOf,
} from '../../../src/cache/surrogate-keys.ts'

describe('surrogateKeysOf', () => {
  it.each<[string, Record<string, string>, string[], string[]]>([
    ['no keys', {}, [], []],
    [
      'Surrogate-Key, space separated',
      { 'surrogate-key': 'item-1  items\tall' },
      [],
      ['item-1', 'items', 'all'],
    ],
    [
      'Cache-Tag, comma separated',
      { 'cache-tag': 'item-1, items ,,all' },
      [],
      ['item-1', 'items', 'all'],
    ],
    [
      'both fields, duplicates once, Surrogate-Key first',
      { 'surrogate-key': 'b a', 'cache-tag': 'a,c' },
      [],
      ['b', 'a', 'c'],
    ],
    ['extra keys last', { 'surrogate-key': 'a' }, ['route', 'a'], ['a', 'route']],
    ['only extra keys', {}, ['route'], ['route']],
    ['blank fields', { 'surrogate-key': '   ', 'cache-tag': ' , ' }, [], []],
  ])('%s', (_name, headers, extra, want) => {
    expect(surrogateKeysOf(new Headers(headers), extra)).toEqual(want)
  })

  it('names the fields it reads', () => {
    expect(SURROGATE_KEY_FIELDS).toEqual(['surrogate-key', 'cache-tag'])
  })
})

describe('gripChannelsOf', () => {
  it('reads channel names from Grip-Channel, without parameters', () => {
    const headers = new Headers({ 'grip-channel': 'news; prev-id=7, sport' })
    expect(gripChannelsOf(headers)).toEqual(['news', 'sport'])
  })

  it('is empty for a response without Grip-Channel', () => {
    expect(gripChannelsOf(new Headers())).toEqual([])
  })
})
