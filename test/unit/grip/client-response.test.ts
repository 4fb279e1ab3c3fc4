import { describe, expect, it } from 'vitest'
import {
  clientHeaderPairs,
  isFramingOrHopHeader,
  publishedResponse,
  toResponse,
} from '../../../src/grip/client-response.ts'
import type { InstructResponse } from '../../../src/grip/types.ts'

const encode = (text: string) => new TextEncoder().encode(text)

const held = (headers: [string, string][] = [], body = 'held'): InstructResponse => ({
  code: 200,
  reason: 'OK',
  headers,
  body: encode(body),
})

describe('toResponse', () => {
  it.each([
    { name: '200 with a body', code: 200, reason: 'OK', method: 'GET', body: 'abc', want: 'abc' },
    {
      name: '404 with a reason',
      code: 404,
      reason: 'Gone Fishing',
      method: 'GET',
      body: 'nf',
      want: 'nf',
    },
    {
      name: 'HEAD drops the body',
      code: 200,
      reason: 'OK',
      method: 'HEAD',
      body: 'abc',
      want: null,
    },
    {
      name: '204 is bodiless (27)',
      code: 204,
      reason: 'No Content',
      method: 'GET',
      body: 'x',
      want: null,
    },
    {
      name: '205 is bodiless',
      code: 205,
      reason: 'Reset Content',
      method: 'GET',
      body: 'x',
      want: null,
    },
    {
      name: '304 is bodiless (26)',
      code: 304,
      reason: 'Not Changed',
      method: 'GET',
      body: 'x',
      want: null,
    },
  ])('$name', async ({ code, reason, method, body, want }) => {
    const response = toResponse(
      { code, reason, headers: [['x-a', '1']], body: encode(body) },
      method
    )
    expect(response.status).toBe(code)
    expect(response.statusText).toBe(reason)
    expect(response.headers.get('x-a')).toBe('1')
    if (want === null) expect(response.body).toBeNull()
    else expect(await response.text()).toBe(want)
  })

  it.each([100, 199, 600, 999])(
    'answers 502 for Grip-Status %i, which a Response cannot carry',
    async (code) => {
      const response = toResponse({ code, reason: 'Odd', headers: [], body: encode('x') }, 'GET')
      expect(response.status).toBe(502)
      expect(response.headers.get('content-type')).toBe('text/plain')
      expect(await response.text()).toBe('Error while proxying to origin.\n')
    }
  )

  // Found by the publish and instruct fuzz (issue #12): `new Response` refused these reasons
  // with a TypeError, which became a 500 INTERNAL and leaked the stream hold being opened.
  it.each([
    { reason: 'a\x01b', name: 'a control character' },
    { reason: '\x7f', name: 'DEL' },
    { reason: 'tab\tand\x1fUS', name: 'a unit separator' },
  ])('answers the standard reason phrase instead of one with $name', ({ reason }) => {
    const response = toResponse({ code: 404, reason, headers: [], body: encode('x') }, 'GET')
    expect(response.status).toBe(404)
    expect(response.statusText).toBe('Not Found')
  })

  it('keeps a reason of tabs, spaces, visible ASCII and obs-text (RFC 9112 §4)', () => {
    const reason = 'Gone \tFishing \xe9\xff'
    const response = toResponse({ code: 200, reason, headers: [], body: encode('') }, 'GET')
    expect(response.statusText).toBe(reason)
  })

  it('keeps repeated headers and lets extra headers replace', () => {
    const response = toResponse(
      {
        code: 200,
        reason: 'OK',
        headers: [
          ['set-cookie', 'a=1'],
          ['set-cookie', 'b=2'],
          ['x-a', 'old'],
        ],
        body: encode(''),
      },
      'GET',
      new Headers({ 'x-a': 'new' })
    )
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(response.headers.get('x-a')).toBe('new')
  })
})

describe('publishedResponse (GRIP.md §4.2)', () => {
  it('replaces every copy of a published header and keeps the rest (29)', () => {
    const merged = publishedResponse(
      held([
        ['content-type', 'text/plain'],
        ['x-orig', 'yes'],
        ['x-keep', 'orig'],
        ['x-keep', 'orig2'],
      ]),
      {
        action: 'send',
        code: 201,
        reason: 'Created',
        headers: [
          ['x-pub', '1'],
          ['x-keep', 'pub'],
          ['content-type', 'application/json'],
        ],
        body: encode('{}'),
      }
    )
    expect(merged.code).toBe(201)
    expect(merged.reason).toBe('Created')
    expect(merged.headers).toEqual([
      ['x-orig', 'yes'],
      ['x-pub', '1'],
      ['x-keep', 'pub'],
      ['content-type', 'application/json'],
    ])
    expect(new TextDecoder().decode(merged.body)).toBe('{}')
  })

  it('leaves the held response as it was', () => {
    const original = held([['x-keep', 'orig']])
    publishedResponse(original, {
      action: 'send',
      code: 200,
      reason: 'OK',
      headers: [['x-keep', 'pub']],
      body: encode('new'),
    })
    expect(original.headers).toEqual([['x-keep', 'orig']])
    expect(new TextDecoder().decode(original.body)).toBe('held')
  })
})

describe('clientHeaderPairs (issue #12 item 5)', () => {
  it.each([
    ['content-length', true],
    ['transfer-encoding', true],
    ['connection', true],
    ['keep-alive', true],
    ['proxy-connection', true],
    ['te', true],
    ['trailer', true],
    ['upgrade', true],
    ['grip-hold', true],
    ['content-type', false],
    ['content-encoding', false],
    ['set-cookie', false],
  ])('%s is a framing or hop-by-hop header: %s', (name, want) => {
    expect(isFramingOrHopHeader(name)).toBe(want)
  })

  it('drops the fields Connection names, and what the caller adds', () => {
    const pairs: [string, string][] = [
      ['connection', 'X-A , x-b'],
      ['x-a', '1'],
      ['x-b', '2'],
      ['x-c', '3'],
      ['content-length', '9'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]
    expect(clientHeaderPairs(pairs)).toEqual([
      ['x-c', '3'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ])
    expect(clientHeaderPairs(pairs, (name) => name === 'x-c')).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ])
  })
})
