import { describe, expect, it } from 'vitest'
import {
  CONDITIONAL_FIELDS,
  isNotModified,
  notModifiedFrom,
} from '../../../src/http/conditional.ts'

const MON = 'Mon, 06 Jan 2025 00:00:00 GMT'
const TUE = 'Tue, 07 Jan 2025 00:00:00 GMT'
const WED = 'Wed, 08 Jan 2025 00:00:00 GMT'

describe('isNotModified', () => {
  it.each<[string, Record<string, string>, Record<string, string>, boolean]>([
    ['no conditional fields', {}, { etag: '"a"' }, false],
    ['matching strong etag', { 'if-none-match': '"a"' }, { etag: '"a"' }, true],
    ['different etag', { 'if-none-match': '"b"' }, { etag: '"a"' }, false],
    ['one of a list', { 'if-none-match': '"x", "a" ,"y"' }, { etag: '"a"' }, true],
    ['weak request tag, strong response', { 'if-none-match': 'W/"a"' }, { etag: '"a"' }, true],
    ['strong request tag, weak response', { 'if-none-match': '"a"' }, { etag: 'W/"a"' }, true],
    ['star with an etag', { 'if-none-match': '*' }, { etag: '"a"' }, true],
    ['star with spaces', { 'if-none-match': ' * ' }, { etag: '"a"' }, true],
    ['star without an etag', { 'if-none-match': '*' }, {}, false],
    ['tag but no etag', { 'if-none-match': '"a"' }, { 'last-modified': MON }, false],
    [
      'if-none-match wins over if-modified-since',
      { 'if-none-match': '"b"', 'if-modified-since': WED },
      { etag: '"a"', 'last-modified': MON },
      false,
    ],
    ['modified before since', { 'if-modified-since': TUE }, { 'last-modified': MON }, true],
    ['modified exactly at since', { 'if-modified-since': TUE }, { 'last-modified': TUE }, true],
    ['modified after since', { 'if-modified-since': MON }, { 'last-modified': TUE }, false],
    ['Date stands in for Last-Modified', { 'if-modified-since': TUE }, { date: MON }, true],
    [
      'Last-Modified preferred to Date',
      { 'if-modified-since': TUE },
      { 'last-modified': WED, date: MON },
      false,
    ],
    ['invalid since', { 'if-modified-since': 'yesterday' }, { 'last-modified': MON }, false],
    ['no dates on the response', { 'if-modified-since': TUE }, {}, false],
  ])('%s', (_name, request, response, want) => {
    expect(isNotModified(new Headers(request), new Headers(response))).toBe(want)
  })
})

describe('notModifiedFrom', () => {
  it('keeps the validators and caching fields, drops the body and its framing', async () => {
    const full = new Response('hello', {
      status: 200,
      headers: {
        etag: '"a"',
        'cache-control': 'max-age=60',
        'content-length': '5',
        'content-range': 'bytes 0-4/5',
        'content-type': 'text/plain',
        'x-cache': 'HIT',
      },
    })
    const answer = notModifiedFrom(full)
    expect(answer.status).toBe(304)
    expect(answer.body).toBeNull()
    expect([...answer.headers]).toEqual([
      ['cache-control', 'max-age=60'],
      ['content-type', 'text/plain'],
      ['etag', '"a"'],
      ['x-cache', 'HIT'],
    ])
  })
})

describe('CONDITIONAL_FIELDS', () => {
  it('names every precondition field of RFC 9110 §13.1', () => {
    expect([...CONDITIONAL_FIELDS].sort()).toEqual([
      'if-match',
      'if-modified-since',
      'if-none-match',
      'if-range',
      'if-unmodified-since',
    ])
  })
})
