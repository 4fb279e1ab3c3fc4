import { describe, expect, it } from 'vitest'
import { lastEventIdOf, resumePoints } from '../../../src/history/resume.ts'

describe('lastEventIdOf', () => {
  it.each([
    ['header', 'http://gw.test/s', { 'last-event-id': '7' }, '7'],
    ['query', 'http://gw.test/s?a=1&lastEventId=8', {}, '8'],
    ['header before query', 'http://gw.test/s?lastEventId=8', { 'last-event-id': '7' }, '7'],
    ['empty header, then query', 'http://gw.test/s?lastEventId=8', { 'last-event-id': '' }, '8'],
    ['nothing', 'http://gw.test/s?x=1', {}, undefined],
    ['empty query', 'http://gw.test/s?lastEventId=', {}, undefined],
  ])('%s', (_name, url, headers, expected) => {
    expect(lastEventIdOf(new Request(url, { headers }))).toBe(expected)
  })
})

describe('resumePoints', () => {
  const last: Record<string, string> = { a: '5', b: '5' }
  const lastId = (channel: string) => last[channel]
  it.each([
    ['a prev-id behind', [['a', '3']], undefined, [{ channel: 'a', from: '3', declared: true }]],
    ['a current prev-id', [['a', '5']], '1', []],
    ['a prev-id on a channel with no known last id', [['c', '3']], undefined, []],
    [
      'Last-Event-ID for channels without prev-id',
      [
        ['a', undefined],
        ['c', undefined],
      ],
      '2',
      [
        { channel: 'a', from: '2', declared: false },
        { channel: 'c', from: '2', declared: false },
      ],
    ],
    ['a current Last-Event-ID', [['b', undefined]], '5', []],
    ['no ids at all', [['a', undefined]], undefined, []],
  ] as const)('%s', (_name, prevIds, lastEventId, expected) => {
    expect(resumePoints(new Map(prevIds), lastId, lastEventId)).toEqual(expected)
  })
})
