import { describe, expect, it } from 'vitest'
import { type Instruct, parseInstruct } from '../../../src/grip/instruct.ts'

const text = (value: string) => new TextEncoder().encode(value)
const INSTRUCT: [string, string] = ['Content-Type', 'application/grip-instruct']

/** Parses an `application/grip-instruct` response; `doc` is JSON-encoded unless a string. */
function parse(doc: unknown, { status = 200, lines = [] as [string, string][] } = {}) {
  const body = typeof doc === 'string' ? doc : JSON.stringify(doc)
  return parseInstruct(status, new Headers([INSTRUCT, ...lines]), text(body))
}

const base = (overrides: Partial<Instruct> = {}): Instruct => ({
  hold: 'none',
  channels: [],
  timeoutSec: 55,
  meta: {},
  response: { code: 200, reason: 'OK', headers: [], body: text('') },
  ...overrides,
})

describe('parseInstruct, JSON form', () => {
  it.each<{ name: string; doc: unknown; lines?: [string, string][]; want: Instruct }>([
    {
      // GRIP-CONFORMANCE item 19: no Content-Type unless one is listed.
      name: 'response only',
      doc: { response: { body: 'direct\n' } },
      want: base({ response: { code: 200, reason: 'OK', headers: [], body: text('direct\n') } }),
    },
    {
      // Item 20: the instruct response's own headers never reach the client.
      name: 'HTTP headers of the instruct response dropped',
      doc: { response: { body: 'x' } },
      lines: [['X-Should-Not-Leak', '1']],
      want: base({ response: { code: 200, reason: 'OK', headers: [], body: text('x') } }),
    },
    {
      // Item 49.
      name: 'stream hold with keep-alive and header pairs',
      doc: {
        hold: {
          mode: 'stream',
          channels: [{ name: 'x' }],
          'keep-alive': { content: 'ka\n', timeout: 2 },
        },
        response: { headers: [['Content-Type', 'text/plain']], body: 'init\n' },
      },
      want: base({
        hold: 'stream',
        channels: [{ name: 'x', filters: [] }],
        keepAlive: { data: text('ka\n'), timeoutSec: 2, mode: 'interval' },
        response: {
          code: 200,
          reason: 'OK',
          headers: [['content-type', 'text/plain']],
          body: text('init\n'),
        },
      }),
    },
    {
      // The example of GRIP.md §3.4.
      name: 'the spec example',
      doc: {
        hold: {
          mode: 'response',
          channels: [{ name: 'room-7', 'prev-id': '41', filters: ['skip-self'] }],
          timeout: 30,
          'keep-alive': { content: ':\n\n', timeout: 20 },
          meta: { user: 'u1' },
        },
        response: {
          code: 200,
          reason: 'OK',
          headers: { 'Content-Type': 'application/json' },
          body: '{"items":[]}\n',
        },
      },
      want: base({
        hold: 'response',
        channels: [{ name: 'room-7', prevId: '41', filters: ['skip-self'] }],
        timeoutSec: 30,
        keepAlive: { data: text(':\n\n'), timeoutSec: 20, mode: 'interval' },
        meta: { user: 'u1' },
        response: {
          code: 200,
          reason: 'OK',
          headers: [['content-type', 'application/json']],
          body: text('{"items":[]}\n'),
        },
      }),
    },
    {
      name: 'hold mode defaults to response; timeouts have floors',
      doc: {
        hold: { channels: [], timeout: 2, 'keep-alive': { 'content-bin': 'AAEC', timeout: 0 } },
      },
      want: base({
        hold: 'response',
        timeoutSec: 5,
        keepAlive: { data: Uint8Array.from([0, 1, 2]), timeoutSec: 1, mode: 'interval' },
      }),
    },
    {
      name: 'keep-alive without content is off',
      doc: { hold: { channels: [], 'keep-alive': { timeout: 5 } } },
      lines: [['Grip-Keep-Alive', 'KA']],
      want: base({ hold: 'response' }),
    },
    {
      name: 'code re-derives the reason',
      doc: { response: { code: 404 } },
      want: base({ response: { code: 404, reason: 'Not Found', headers: [], body: text('') } }),
    },
    {
      name: 'code with a custom reason',
      doc: { response: { code: 409, reason: 'Custom Reason' } },
      want: base({ response: { code: 409, reason: 'Custom Reason', headers: [], body: text('') } }),
    },
    {
      name: 'body-bin beats body; framing and Grip-* headers dropped',
      doc: {
        response: {
          headers: [
            ['Set-Cookie', 'a=1'],
            ['Set-Cookie', 'b=2'],
            ['Content-Length', '99'],
            ['Grip-Channel', 'x'],
            ['X-Name', 'café'],
          ],
          body: 'ignored',
          'body-bin': 'aGk=',
        },
      },
      want: base({
        response: {
          code: 200,
          reason: 'OK',
          headers: [
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
            ['x-name', 'caf\u00c3\u00a9'],
          ],
          body: text('hi'),
        },
      }),
    },
    {
      // No JSON form exists for links, so Grip-Link still counts (GRIP.md §3.4).
      name: 'header channels, links, meta and status combine with JSON',
      doc: { hold: { channels: [{ name: 'json' }], meta: { b: '2' } } },
      lines: [
        ['Grip-Channel', 'hdr'],
        ['Grip-Set-Meta', 'a=1'],
        ['Grip-Link', '</next>; rel=next'],
        ['Grip-Status', '202'],
      ],
      want: base({
        hold: 'response',
        channels: [
          { name: 'hdr', filters: [] },
          { name: 'json', filters: [] },
        ],
        meta: { a: '1', b: '2' },
        nextLink: { url: '/next', timeoutSec: 120 },
        status: { code: 202, reason: 'Accepted' },
        response: { code: 202, reason: 'Accepted', headers: [], body: text('') },
      }),
    },
  ])('$name', ({ doc, lines = [], want }) => {
    expect(parse(doc, { lines })).toStrictEqual({ ok: true, value: want })
  })

  it.each<{ name: string; doc: unknown; status?: number; want: string }>([
    // Item 17.
    {
      name: 'status other than 200',
      doc: {},
      status: 201,
      want: 'application/grip-instruct: expected status 200, got 201',
    },
    // Item 18.
    { name: 'not JSON', doc: '{bad', want: 'application/grip-instruct: body is not valid JSON' },
    { name: 'empty body', doc: '', want: 'application/grip-instruct: body is not valid JSON' },
    {
      name: 'not an object',
      doc: [1],
      want: 'application/grip-instruct: body is not a JSON object',
    },
    { name: 'hold not an object', doc: { hold: 1 }, want: 'hold: expected an object' },
    {
      name: 'unknown mode',
      doc: { hold: { mode: 'poll', channels: [] } },
      want: 'hold.mode: expected "response" or "stream", got "poll"',
    },
    { name: 'channels missing', doc: { hold: {} }, want: 'hold.channels: required' },
    {
      name: 'channels not an array',
      doc: { hold: { channels: 'x' } },
      want: 'hold.channels: expected an array',
    },
    {
      name: 'channel not an object',
      doc: { hold: { channels: ['x'] } },
      want: 'hold.channels[0]: expected an object',
    },
    {
      name: 'channel without a name',
      doc: { hold: { channels: [{ name: 'a' }, {}] } },
      want: 'hold.channels[1].name: expected a non-empty string',
    },
    {
      name: 'prev-id not a string',
      doc: { hold: { channels: [{ name: 'a', 'prev-id': 4 }] } },
      want: 'hold.channels[0].prev-id: expected a string',
    },
    {
      name: 'filters not strings',
      doc: { hold: { channels: [{ name: 'a', filters: [1] }] } },
      want: 'hold.channels[0].filters: expected an array of strings',
    },
    {
      name: 'negative timeout',
      doc: { hold: { channels: [], timeout: -1 } },
      want: 'hold.timeout: expected a non-negative integer, got "-1"',
    },
    {
      name: 'timeout as a string',
      doc: { hold: { channels: [], timeout: '30' } },
      want: 'hold.timeout: expected a non-negative integer, got "30"',
    },
    {
      name: 'keep-alive not an object',
      doc: { hold: { channels: [], 'keep-alive': 'ka' } },
      want: 'hold.keep-alive: expected an object',
    },
    {
      name: 'keep-alive content not a string',
      doc: { hold: { channels: [], 'keep-alive': { content: 5 } } },
      want: 'hold.keep-alive.content: expected a string',
    },
    {
      name: 'keep-alive content-bin not base64',
      doc: { hold: { channels: [], 'keep-alive': { 'content-bin': '!!' } } },
      want: 'hold.keep-alive.content-bin: expected a base64 string',
    },
    {
      name: 'keep-alive timeout fractional',
      doc: { hold: { channels: [], 'keep-alive': { content: 'k', timeout: 1.5 } } },
      want: 'hold.keep-alive.timeout: expected a non-negative integer, got "1.5"',
    },
    {
      name: 'meta value not a string',
      doc: { hold: { channels: [], meta: { a: 1 } } },
      want: 'hold.meta["a"]: expected a string',
    },
    {
      name: 'response not an object',
      doc: { response: 'x' },
      want: 'response: expected an object',
    },
    {
      name: 'code out of range',
      doc: { response: { code: 1000 } },
      want: 'response.code: expected an integer 0-999, got "1000"',
    },
    {
      name: 'reason with a newline',
      doc: { response: { reason: 'a\nb' } },
      want: 'response.reason: expected a string without CR, LF or NUL',
    },
    {
      name: 'header name with a space',
      doc: { response: { headers: { 'a b': 'x' } } },
      want: 'response.headers: invalid header name "a b"',
    },
    {
      name: 'header value with CR LF',
      doc: { response: { headers: { 'X-A': 'x\r\nY: 1' } } },
      want: 'response.headers: invalid value for header "X-A"',
    },
    {
      name: 'header pair too short',
      doc: { response: { headers: [['a']] } },
      want: 'response.headers: element 0 is not a [name, value] pair',
    },
    {
      name: 'header value not a string',
      doc: { response: { headers: { 'X-A': 1 } } },
      want: 'response.headers: header "X-A" has a value that is not a string',
    },
    {
      name: 'headers neither object nor array',
      doc: { response: { headers: 'X-A: 1' } },
      want: 'response.headers: expected an object or an array of pairs',
    },
    {
      name: 'body not a string',
      doc: { response: { body: 5 } },
      want: 'response.body: expected a string',
    },
    {
      name: 'body-bin not base64',
      doc: { response: { 'body-bin': '***' } },
      want: 'response.body-bin: expected a base64 string',
    },
  ])('$name fails', ({ doc, status, want }) => {
    expect(parse(doc, { status })).toStrictEqual({ ok: false, error: want })
  })

  it('refuses a body that is not UTF-8', () => {
    const result = parseInstruct(200, new Headers([INSTRUCT]), Uint8Array.from([0x7b, 0xff, 0x7d]))
    expect(result).toStrictEqual({
      ok: false,
      error: 'application/grip-instruct: body is not valid JSON',
    })
  })

  it('reports header errors before looking at the body', () => {
    const result = parse('{bad', { lines: [['Grip-Hold', 'bogus']] })
    expect(result).toStrictEqual({
      ok: false,
      error: 'Grip-Hold: expected "response" or "stream", got "bogus"',
    })
  })
})
