import { describe, expect, it } from 'vitest'
import {
  fromPairs,
  splitList,
  toPairs,
  toRecord,
  withoutHopByHop,
} from '../../../src/http/headers.ts'

describe('splitList', () => {
  it.each<[string | null | undefined, string[]]>([
    [undefined, []],
    [null, []],
    ['', []],
    ['a', ['a']],
    [' a , b,,c ', ['a', 'b', 'c']],
    [', ,', []],
  ])('%j → %j', (value, want) => {
    expect(splitList(value)).toEqual(want)
  })
})

describe('withoutHopByHop', () => {
  it('drops every hop-by-hop field and keeps end-to-end ones', () => {
    const headers = new Headers({
      connection: 'keep-alive',
      'keep-alive': 'timeout=5',
      'proxy-connection': 'keep-alive',
      'proxy-authenticate': 'Basic',
      'proxy-authorization': 'Basic eA==',
      te: 'trailers',
      trailer: 'x-checksum',
      'transfer-encoding': 'chunked',
      upgrade: 'websocket',
      'content-type': 'text/plain',
      etag: '"a"',
    })
    expect([...withoutHopByHop(headers)]).toEqual([
      ['content-type', 'text/plain'],
      ['etag', '"a"'],
    ])
  })

  it('drops the fields that Connection names', () => {
    const headers = new Headers({
      connection: 'close, X-Hop ,x-other',
      'x-hop': '1',
      'x-other': '2',
      'x-kept': '3',
    })
    expect([...withoutHopByHop(headers)]).toEqual([['x-kept', '3']])
  })

  it('leaves its input alone', () => {
    const headers = new Headers({ connection: 'x-hop', 'x-hop': '1' })
    withoutHopByHop(headers)
    expect(headers.get('x-hop')).toBe('1')
  })
})

describe('toRecord', () => {
  it('lowercases names and joins repeated fields with a comma', () => {
    const headers = new Headers()
    headers.append('Cache-Control', 'public')
    headers.append('cache-control', 'max-age=60')
    headers.append('Vary', 'Accept')
    expect(toRecord(headers)).toEqual({ 'cache-control': 'public, max-age=60', vary: 'Accept' })
  })

  it('keeps one Set-Cookie as it is', () => {
    const headers = new Headers({ 'set-cookie': 'a=1; Path=/' })
    expect(toRecord(headers)).toEqual({ 'set-cookie': 'a=1; Path=/' })
  })

  it('joins several Set-Cookie with newlines, never commas', () => {
    const headers = new Headers()
    headers.append('set-cookie', 'a=1; Expires=Wed, 08 Jan 2025 00:00:00 GMT')
    headers.append('set-cookie', 'b=2')
    expect(toRecord(headers)).toEqual({
      'set-cookie': 'a=1; Expires=Wed, 08 Jan 2025 00:00:00 GMT\nb=2',
    })
  })
})

describe('toPairs and fromPairs', () => {
  it('keeps each Set-Cookie as its own pair', () => {
    const headers = new Headers({ 'content-type': 'text/plain', etag: '"a"' })
    headers.append('set-cookie', 'a=1')
    headers.append('set-cookie', 'b=2')
    expect(toPairs(headers)).toEqual([
      ['content-type', 'text/plain'],
      ['etag', '"a"'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ])
  })

  it('round-trips', () => {
    const pairs: [string, string][] = [
      ['cache-control', 'max-age=60'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]
    const headers = fromPairs(pairs)
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(toPairs(headers)).toEqual(pairs)
  })
})
