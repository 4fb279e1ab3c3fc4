import { describe, expect, it } from 'vitest'
import {
  type Instruct,
  isGripResponse,
  type ParseInstructOptions,
  parseInstruct,
} from '../../../src/grip/instruct.ts'

const text = (value: string) => new TextEncoder().encode(value)

/** Parses an origin response given as status, header lines (repeats allowed) and body. */
function parse(
  status: number,
  lines: [string, string][],
  body = '',
  options?: ParseInstructOptions
) {
  return parseInstruct(status, new Headers(lines), text(body), options)
}

/** The instruction for a plain 200 with no body, for spreading into expectations. */
const base = (overrides: Partial<Instruct> = {}): Instruct => ({
  hold: 'none',
  channels: [],
  timeoutSec: 55,
  meta: {},
  response: { code: 200, reason: 'OK', headers: [], body: text('') },
  ...overrides,
})

describe('isGripResponse', () => {
  it.each<{ name: string; lines: [string, string][]; want: boolean }>([
    // GRIP-CONFORMANCE item 5: no Grip-* header and a non-GRIP type pass through.
    { name: 'plain html', lines: [['Content-Type', 'text/html']], want: false },
    { name: 'no headers', lines: [], want: false },
    { name: 'Grip-Channel', lines: [['Grip-Channel', 'x']], want: true },
    { name: 'any Grip-* name', lines: [['grip-foo', 'x']], want: true },
    { name: 'instruct type', lines: [['Content-Type', 'application/grip-instruct']], want: true },
    {
      name: 'instruct type, any case, with parameters',
      lines: [['Content-Type', 'Application/Grip-Instruct; charset=utf-8']],
      want: true,
    },
    {
      name: 'a longer type',
      lines: [['Content-Type', 'application/grip-instruct-x']],
      want: false,
    },
    { name: 'X-Grip-Thing', lines: [['X-Grip-Thing', '1']], want: false },
  ])('$name', ({ lines, want }) => {
    expect(isGripResponse(200, new Headers(lines))).toBe(want)
  })
})

describe('parseInstruct, header form', () => {
  it.each<{
    name: string
    status?: number
    lines: [string, string][]
    body?: string
    want: Instruct
  }>([
    {
      // Item 10: channels only, no hold: an immediate response without Grip-* headers.
      name: 'channel only, no hold',
      lines: [
        ['Grip-Channel', 'x'],
        ['Content-Type', 'text/plain'],
        ['X-Other', '1'],
      ],
      body: 'hi',
      want: base({
        channels: [{ name: 'x', filters: [] }],
        response: {
          code: 200,
          reason: 'OK',
          headers: [
            ['content-type', 'text/plain'],
            ['x-other', '1'],
          ],
          body: text('hi'),
        },
      }),
    },
    {
      // Item 11.
      name: 'comma-separated channels',
      lines: [
        ['Grip-Hold', 'stream'],
        ['Grip-Channel', 'a, b'],
      ],
      want: base({
        hold: 'stream',
        channels: [
          { name: 'a', filters: [] },
          { name: 'b', filters: [] },
        ],
      }),
    },
    {
      // Item 12.
      name: 'repeated Grip-Channel lines',
      lines: [
        ['Grip-Hold', 'response'],
        ['Grip-Channel', 'mixA'],
        ['Grip-Channel', 'mixB'],
      ],
      want: base({
        hold: 'response',
        channels: [
          { name: 'mixA', filters: [] },
          { name: 'mixB', filters: [] },
        ],
      }),
    },
    {
      name: 'prev-id and filters, empty and invalid elements skipped',
      lines: [
        [
          'Grip-Channel',
          'lpp; prev-id=7; filter=skip-self; Filter="x;y", , b; prev-id=, c; filter="x',
        ],
      ],
      want: base({
        channels: [
          { name: 'lpp', prevId: '7', filters: ['skip-self', 'x;y'] },
          { name: 'b', filters: [] },
        ],
      }),
    },
    {
      name: 'UTF-8 channel names in a header byte string',
      lines: [['Grip-Channel', 'caf\u00c3\u00a9']],
      want: base({ channels: [{ name: 'café', filters: [] }] }),
    },
    // Items 23-25: Grip-Timeout, default 55, floor 5.
    { name: 'Grip-Timeout 8', lines: [['Grip-Timeout', '8']], want: base({ timeoutSec: 8 }) },
    { name: 'Grip-Timeout 0', lines: [['Grip-Timeout', '0']], want: base({ timeoutSec: 5 }) },
    { name: 'Grip-Timeout 3', lines: [['Grip-Timeout', '3']], want: base({ timeoutSec: 5 }) },
    {
      // Item 26.
      name: 'Grip-Status with a reason',
      status: 202,
      lines: [['Grip-Status', '304 Not Changed']],
      want: base({
        status: { code: 304, reason: 'Not Changed' },
        response: { code: 304, reason: 'Not Changed', headers: [], body: text('') },
      }),
    },
    {
      // Item 27.
      name: 'Grip-Status without a reason',
      lines: [['Grip-Status', '204']],
      want: base({
        status: { code: 204, reason: 'No Content' },
        response: { code: 204, reason: 'No Content', headers: [], body: text('') },
      }),
    },
    {
      // Item 28.
      name: 'origin status kept',
      status: 404,
      lines: [['Grip-Hold', 'response']],
      body: 'nf',
      want: base({
        hold: 'response',
        response: { code: 404, reason: 'Not Found', headers: [], body: text('nf') },
      }),
    },
    {
      // Items 36-37: only exposed headers are kept, and the Date is the origin's.
      name: 'Grip-Expose-Headers',
      lines: [
        ['Grip-Hold', 'response'],
        ['Grip-Expose-Headers', 'X-A, Date'],
        ['X-A', '1'],
        ['X-B', '2'],
        ['Date', 'Tue, 01 Jan 2030 00:00:00 GMT'],
      ],
      want: base({
        hold: 'response',
        exposeHeaders: ['X-A', 'Date'],
        response: {
          code: 200,
          reason: 'OK',
          headers: [
            ['date', 'Tue, 01 Jan 2030 00:00:00 GMT'],
            ['x-a', '1'],
          ],
          body: text(''),
        },
      }),
    },
    {
      // Item 38: Content-Length and hop-by-hop headers are not passed on.
      name: 'stream hold drops framing headers',
      lines: [
        ['Grip-Hold', 'stream'],
        ['Content-Type', 'text/event-stream'],
        ['Content-Length', '4'],
        ['Connection', 'keep-alive'],
        ['Keep-Alive', 'timeout=5'],
        ['Content-Encoding', 'gzip'],
        ['Transfer-Encoding', 'chunked'],
        // Issue #12 item 5: the rest of RFC 9110 §7.6.1's list, and what Connection names.
        ['Connection', 'X-Hop'],
        ['X-Hop', '1'],
        ['Upgrade', 'h2c'],
        ['Trailer', 'x-t'],
        ['TE', 'trailers'],
        ['Proxy-Connection', 'close'],
      ],
      body: 'abcd',
      want: base({
        hold: 'stream',
        response: {
          code: 200,
          reason: 'OK',
          headers: [['content-type', 'text/event-stream']],
          body: text('abcd'),
        },
      }),
    },
    {
      name: 'each Set-Cookie stays separate',
      lines: [
        ['Grip-Hold', 'response'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
      ],
      want: base({
        hold: 'response',
        response: {
          code: 200,
          reason: 'OK',
          headers: [
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
          ],
          body: text(''),
        },
      }),
    },
    {
      // Item 43.
      name: 'cstring keep-alive',
      lines: [['Grip-Keep-Alive', ':ka\\n\\n; format=cstring; timeout=3']],
      want: base({ keepAlive: { data: text(':ka\n\n'), timeoutSec: 3, mode: 'idle' } }),
    },
    {
      // Item 44.
      name: 'interval keep-alive',
      lines: [['Grip-Keep-Alive', 'KA; timeout=2; mode=interval']],
      want: base({ keepAlive: { data: text('KA'), timeoutSec: 2, mode: 'interval' } }),
    },
    {
      // Item 46.
      name: 'unknown cstring escapes dropped',
      lines: [['Grip-Keep-Alive', 'a\\tb\\x41\\n; format=cstring; timeout=1']],
      want: base({ keepAlive: { data: text('abA\n'), timeoutSec: 1, mode: 'idle' } }),
    },
    {
      // Item 47: timeout 0 is raised to 1.
      name: 'base64 keep-alive',
      lines: [['Grip-Keep-Alive', 'AAEC; format=base64; timeout=0']],
      want: base({ keepAlive: { data: Uint8Array.from([0, 1, 2]), timeoutSec: 1, mode: 'idle' } }),
    },
    {
      name: 'keep-alive defaults and commas in data',
      lines: [['Grip-Keep-Alive', 'a,b']],
      want: base({ keepAlive: { data: text('a,b'), timeoutSec: 55, mode: 'idle' } }),
    },
    // Item 48: an empty Grip-Keep-Alive means no keep-alive.
    { name: 'empty keep-alive', lines: [['Grip-Keep-Alive', '']], want: base() },
    {
      name: 'keep-alive with an unterminated quote',
      lines: [['Grip-Keep-Alive', 'KA; mode="idle']],
      want: base(),
    },
    {
      name: 'Grip-Set-Meta',
      lines: [
        ['Grip-Set-Meta', 'user="alice", room=7'],
        ['Grip-Set-Meta', 'flag, __proto__=x'],
      ],
      want: base({
        meta: Object.fromEntries([
          ['user', 'alice'],
          ['room', '7'],
          ['flag', ''],
          ['__proto__', 'x'],
        ]),
      }),
    },
    {
      name: 'next link with the default timeout',
      lines: [['Grip-Link', '</feed?p=2>; rel=next']],
      want: base({ nextLink: { url: '/feed?p=2', timeoutSec: 120 } }),
    },
    {
      name: 'next and gone links, other rels ignored',
      lines: [
        ['Grip-Link', '</rec?x=1>; rel=next; timeout=5, </gone>; rel=gone'],
        ['Grip-Link', '</prev>; rel=prev, </norel>'],
      ],
      want: base({
        nextLink: { url: '/rec?x=1', timeoutSec: 5 },
        goneLink: { url: '/gone' },
      }),
    },
  ])('$name', ({ status = 200, lines, body = '', want }) => {
    expect(parse(status, lines, body)).toStrictEqual({ ok: true, value: want })
  })

  it.each<{ name: string; lines: [string, string][]; want: string }>([
    // Item 8.
    {
      name: 'unknown hold',
      lines: [['Grip-Hold', 'bogus']],
      want: 'Grip-Hold: expected "response" or "stream", got "bogus"',
    },
    {
      name: 'hold compared case-sensitively',
      lines: [['Grip-Hold', 'Response']],
      want: 'Grip-Hold: expected "response" or "stream", got "Response"',
    },
    {
      name: 'repeated single-valued header',
      lines: [
        ['Grip-Hold', 'response'],
        ['Grip-Hold', 'response'],
      ],
      want: 'Grip-Hold: expected "response" or "stream", got "response, response"',
    },
    // Item 9.
    {
      name: 'Grip-Timeout abc',
      lines: [
        ['Grip-Hold', 'response'],
        ['Grip-Timeout', 'abc'],
      ],
      want: 'Grip-Timeout: expected a non-negative integer, got "abc"',
    },
    {
      name: 'negative Grip-Timeout',
      lines: [['Grip-Timeout', '-1']],
      want: 'Grip-Timeout: expected a non-negative integer, got "-1"',
    },
    {
      name: 'empty keep-alive data',
      lines: [['Grip-Keep-Alive', '; timeout=5']],
      want: 'Grip-Keep-Alive: data is empty',
    },
    {
      name: 'unknown keep-alive format',
      lines: [['Grip-Keep-Alive', 'x; format=hex']],
      want: 'Grip-Keep-Alive: unknown format "hex"',
    },
    {
      name: 'unknown keep-alive mode',
      lines: [['Grip-Keep-Alive', 'x; mode=sometimes']],
      want: 'Grip-Keep-Alive: unknown mode "sometimes"',
    },
    {
      name: 'bad keep-alive timeout',
      lines: [['Grip-Keep-Alive', 'x; timeout=soon']],
      want: 'Grip-Keep-Alive timeout: expected a non-negative integer, got "soon"',
    },
    {
      name: 'trailing backslash in cstring data',
      lines: [['Grip-Keep-Alive', 'x\\; format=cstring']],
      want: 'Grip-Keep-Alive: cstring data ends with a lone backslash',
    },
    {
      name: 'bad base64 data',
      lines: [['Grip-Keep-Alive', '!!!!; format=base64']],
      want: 'Grip-Keep-Alive: base64 data is not valid base64',
    },
    {
      name: 'data that decodes to nothing',
      lines: [['Grip-Keep-Alive', '\\q; format=cstring']],
      want: 'Grip-Keep-Alive: decoded data is empty',
    },
    {
      name: 'empty Grip-Set-Meta element',
      lines: [['Grip-Set-Meta', 'a=1, , b=2']],
      want: 'Grip-Set-Meta: expected name=value, got an empty element',
    },
    {
      name: 'Grip-Status not a number',
      lines: [['Grip-Status', 'abc']],
      want: 'Grip-Status: expected a status code 0-999, got "abc"',
    },
    {
      name: 'Grip-Status out of range',
      lines: [['Grip-Status', '1000 Big']],
      want: 'Grip-Status: expected a status code 0-999, got "1000"',
    },
    // Item 21.
    {
      name: 'Grip-Link without >',
      lines: [['Grip-Link', '<bad']],
      want: 'Grip-Link: expected <URI>, got "<bad"',
    },
    {
      name: 'Grip-Link without > but with rel',
      lines: [['Grip-Link', '</next; rel=next']],
      want: 'Grip-Link: expected <URI>, got "</next"',
    },
    {
      name: 'empty Grip-Link URI',
      lines: [['Grip-Link', '<>; rel=next']],
      want: 'Grip-Link: expected <URI>, got "<>"',
    },
    {
      name: 'invalid Grip-Link URI',
      lines: [['Grip-Link', '<http://exa mple.com/>; rel=next']],
      want: 'Grip-Link: invalid URI "http://exa mple.com/"',
    },
    {
      name: 'bad Grip-Link timeout',
      lines: [['Grip-Link', '</n>; rel=next; timeout=x']],
      want: 'Grip-Link timeout: expected a non-negative integer, got "x"',
    },
  ])('$name fails', ({ lines, want }) => {
    expect(parse(200, lines)).toStrictEqual({ ok: false, error: want })
  })
})

describe('parseInstruct channel limit', () => {
  const names = Array.from({ length: 25 }, (_, i) => `c${i}`)
  const lines: [string, string][] = [['Grip-Channel', names.join(', ')]]
  const kept = (result: ReturnType<typeof parse>) =>
    result.ok ? result.value.channels.map((channel) => channel.name) : result.error

  it.each([
    { options: undefined, want: names.slice(0, 20) },
    { options: { maxChannels: 2 }, want: ['c0', 'c1'] },
    { options: { maxChannels: 0 }, want: [] },
    { options: { maxChannels: 100 }, want: names },
  ])('maxChannels $options.maxChannels', ({ options, want }) => {
    expect(kept(parse(200, lines, '', options))).toStrictEqual(want)
  })
})

describe('parseInstruct keep-alive sharing (issue #18)', () => {
  const keepAliveOf = (value: string) => {
    const parsed = parse(200, [
      ['Grip-Hold', 'stream'],
      ['Grip-Keep-Alive', value],
    ])
    if (!parsed.ok) throw new Error(parsed.error)
    return parsed.value.keepAlive
  }

  it('hands every hold with the same header value one frozen keep-alive', () => {
    const a = keepAliveOf(':\\n\\n; format=cstring; timeout=20')
    const b = keepAliveOf(':\\n\\n; format=cstring; timeout=20')
    expect(a).toBeDefined()
    expect(b).toBe(a)
    expect(Object.isFrozen(a)).toBe(true)
    expect(a).toStrictEqual({ data: text(':\n\n'), timeoutSec: 20, mode: 'idle' })
  })

  it('keeps values apart that differ in data, timeout or mode', () => {
    const base = keepAliveOf('ka; timeout=5')
    expect(keepAliveOf('kb; timeout=5')).not.toBe(base)
    expect(keepAliveOf('ka; timeout=6')).toStrictEqual({
      data: text('ka'),
      timeoutSec: 6,
      mode: 'idle',
    })
    expect(keepAliveOf('ka; timeout=5; mode=interval')?.mode).toBe('interval')
    expect(keepAliveOf('ka; timeout=5')).toBe(base)
  })

  it('still parses correctly past the table bound, and errors are never shared', () => {
    for (let i = 0; i < 600; i++)
      expect(keepAliveOf(`ka${i}; timeout=${(i % 50) + 1}`)?.data).toStrictEqual(text(`ka${i}`))
    const bad = parse(200, [['Grip-Keep-Alive', 'x; mode=sometimes']])
    expect(bad.ok).toBe(false)
    expect(parse(200, [['Grip-Keep-Alive', 'x; mode=sometimes']])).toStrictEqual(bad)
  })
})
