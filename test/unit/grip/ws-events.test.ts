import { describe, expect, it } from 'vitest'
import {
  closeEventContent,
  decodeWsEvents,
  encodeWsEvents,
  parseCloseContent,
  type WsEvent,
} from '../../../src/grip/ws-events.ts'

/** The bytes of a string whose chars are all below 0x100 (`'\xa1'` is byte 0xa1). */
const raw = (value: string) => Uint8Array.from(value, (c) => c.charCodeAt(0))
const text = (value: string) => new TextEncoder().encode(value)

// Bodies from GRIP.md §7.3 and GRIP-CONFORMANCE section H, paired with their events.
const exchanges: { name: string; body: string; events: WsEvent[] }[] = [
  { name: 'nothing', body: '', events: [] },
  { name: 'OPEN request (H81)', body: 'OPEN\r\n', events: [{ type: 'OPEN' }] },
  {
    name: 'OPEN response of §7.3',
    body: 'OPEN\r\nTEXT 29\r\nc:{"type":"subscribe","channel":"room-7"}\r\nTEXT a\r\nm:welcome!\r\n',
    events: [
      { type: 'OPEN' },
      { type: 'TEXT', content: text('c:{"type":"subscribe","channel":"room-7"}') },
      { type: 'TEXT', content: text('m:welcome!') },
    ],
  },
  {
    name: 'OPEN response (H82)',
    body: 'OPEN\r\nTEXT 25\r\nc:{"type":"subscribe","channel":"w1"}\r\nTEXT 9\r\nm:welcome\r\n',
    events: [
      { type: 'OPEN' },
      { type: 'TEXT', content: text('c:{"type":"subscribe","channel":"w1"}') },
      { type: 'TEXT', content: text('m:welcome') },
    ],
  },
  {
    name: 'unprefixed text (H83)',
    body: 'TEXT 16\r\nunprefixed-should-drop\r\n',
    events: [{ type: 'TEXT', content: text('unprefixed-should-drop') }],
  },
  {
    name: 'client text (H84)',
    body: 'TEXT 5\r\nhello\r\n',
    events: [{ type: 'TEXT', content: text('hello') }],
  },
  {
    name: 'lowercase hex (H84)',
    body: 'TEXT c\r\nm:echo:hello\r\n',
    events: [{ type: 'TEXT', content: text('m:echo:hello') }],
  },
  {
    name: 'client binary (H85)',
    body: 'BINARY 3\r\n\x00\x01\x02\r\n',
    events: [{ type: 'BINARY', content: raw('\x00\x01\x02') }],
  },
  {
    name: 'origin binary (H85)',
    body: 'BINARY 5\r\nm:\x00\x01\x02\r\n',
    events: [{ type: 'BINARY', content: raw('m:\x00\x01\x02') }],
  },
  {
    name: 'queued messages (H88)',
    body: 'TEXT 1\r\nb\r\nTEXT 1\r\nc\r\n',
    events: [
      { type: 'TEXT', content: text('b') },
      { type: 'TEXT', content: text('c') },
    ],
  },
  {
    name: 'close 4001 bye (H90)',
    body: 'CLOSE 5\r\n\x0f\xa1bye\r\n',
    events: [{ type: 'CLOSE', content: raw('\x0f\xa1bye') }],
  },
  { name: 'close without code (H99)', body: 'CLOSE\r\n', events: [{ type: 'CLOSE' }] },
  { name: 'disconnect (H92, H93)', body: 'DISCONNECT\r\n', events: [{ type: 'DISCONNECT' }] },
  {
    name: 'client ping (H94)',
    body: 'PING 2\r\npp\r\n',
    events: [{ type: 'PING', content: text('pp') }],
  },
  { name: 'empty pong', body: 'PONG\r\n', events: [{ type: 'PONG' }] },
  { name: 'empty text', body: 'TEXT 0\r\n\r\n', events: [{ type: 'TEXT', content: raw('') }] },
  {
    name: 'CRLF inside content',
    body: 'TEXT 4\r\na\r\nb\r\n',
    events: [{ type: 'TEXT', content: text('a\r\nb') }],
  },
  {
    name: 'UTF-8 text',
    body: 'TEXT 2\r\n\xc3\xa9\r\n',
    events: [{ type: 'TEXT', content: text('é') }],
  },
  {
    name: 'high bytes',
    body: 'BINARY 2\r\n\xff\xfe\r\n',
    events: [{ type: 'BINARY', content: raw('\xff\xfe') }],
  },
  {
    name: 'multi-digit hex',
    body: `BINARY 100\r\n${'x'.repeat(256)}\r\n`,
    events: [{ type: 'BINARY', content: text('x'.repeat(256)) }],
  },
]

describe('encodeWsEvents', () => {
  it.each(exchanges)('$name', ({ body, events }) => {
    expect(encodeWsEvents(events)).toStrictEqual(raw(body))
  })
})

describe('decodeWsEvents', () => {
  it.each(exchanges)('$name', ({ body, events }) => {
    expect(decodeWsEvents(raw(body))).toStrictEqual({ ok: true, value: events })
  })

  it.each<{ hex: string; body: string; want: WsEvent }>([
    {
      hex: 'C',
      body: 'TEXT C\r\nm:echo:hello\r\n',
      want: { type: 'TEXT', content: text('m:echo:hello') },
    },
    {
      hex: '1A',
      body: `BINARY 1A\r\n${'z'.repeat(26)}\r\n`,
      want: { type: 'BINARY', content: text('z'.repeat(26)) },
    },
    {
      hex: '0Bc',
      body: `TEXT 0Bc\r\n${'y'.repeat(188)}\r\n`,
      want: { type: 'TEXT', content: text('y'.repeat(188)) },
    },
    { hex: '05', body: 'TEXT 05\r\nhello\r\n', want: { type: 'TEXT', content: text('hello') } },
  ])('reads hex length $hex', ({ body, want }) => {
    expect(decodeWsEvents(raw(body))).toStrictEqual({ ok: true, value: [want] })
  })

  it('copies content out of the body', () => {
    const body = raw('TEXT 2\r\nhi\r\n')
    const got = decodeWsEvents(body)
    body.fill(0)
    expect(got).toStrictEqual({ ok: true, value: [{ type: 'TEXT', content: text('hi') }] })
  })

  it.each([
    { body: 'OPEN', want: 'event at byte 0: line does not end in CRLF' },
    { body: 'OPEN\n', want: 'event at byte 0: line does not end in CRLF' },
    { body: 'OPEN\r\nTEXT 5\r', want: 'event at byte 6: line does not end in CRLF' },
    { body: 'A'.repeat(100), want: 'event at byte 0: line is too long' },
    { body: `TEXT ${'0'.repeat(70)}5\r\nhello\r\n`, want: 'event at byte 0: line is too long' },
    { body: 'OPEN\r\nFOO\r\n', want: 'event at byte 6: unknown event type "FOO"' },
    { body: 'open\r\n', want: 'event at byte 0: unknown event type "open"' },
    { body: 'TEXT 5\r\nhello\r\n\r\n', want: 'event at byte 15: unknown event type ""' },
    { body: 'TEXTS 1\r\nx\r\n', want: 'event at byte 0: unknown event type "TEXTS"' },
    { body: 'TEXT \r\n', want: 'event at byte 0: invalid content length ""' },
    { body: 'TEXT  5\r\nhello\r\n', want: 'event at byte 0: invalid content length " 5"' },
    { body: 'TEXT 5 \r\nhello\r\n', want: 'event at byte 0: invalid content length "5 "' },
    { body: 'TEXT -1\r\n\r\n', want: 'event at byte 0: invalid content length "-1"' },
    { body: 'TEXT 0x5\r\nhello\r\n', want: 'event at byte 0: invalid content length "0x5"' },
    { body: 'TEXT g\r\nx\r\n', want: 'event at byte 0: invalid content length "g"' },
    {
      body: 'OPEN\r\nTEXT 5\r\nhel',
      want: 'event at byte 6: content length 0x5 runs past the end of the body (17 bytes)',
    },
    {
      body: 'TEXT ffffffffffff\r\nx\r\n',
      want: 'event at byte 0: content length 0xffffffffffff runs past the end of the body (22 bytes)',
    },
    {
      body: 'TEXT 5\r\nhello',
      want: 'event at byte 0: content is not followed by CRLF at byte 13',
    },
    {
      body: 'TEXT 5\r\nhello\r',
      want: 'event at byte 0: content is not followed by CRLF at byte 13',
    },
    {
      body: 'TEXT 5\r\nhelloXY',
      want: 'event at byte 0: content is not followed by CRLF at byte 13',
    },
    {
      body: 'TEXT 4\r\nhello\r\n',
      want: 'event at byte 0: content is not followed by CRLF at byte 12',
    },
    {
      body: 'TEXT 5\r\nhello\n\r',
      want: 'event at byte 0: content is not followed by CRLF at byte 13',
    },
  ])('refuses $body', ({ body, want }) => {
    expect(decodeWsEvents(raw(body))).toStrictEqual({ ok: false, error: want })
  })

  it('shows a long unknown type cut short', () => {
    const got = decodeWsEvents(raw(`${'X'.repeat(50)}\r\n`))
    expect(got).toStrictEqual({
      ok: false,
      error: `event at byte 0: unknown event type "${'X'.repeat(40)}…"`,
    })
  })
})

describe('closeEventContent', () => {
  it.each([
    { code: 4001, reason: 'bye', want: raw('\x0f\xa1bye') },
    { code: 1000, reason: undefined, want: raw('\x03\xe8') },
    { code: 1000, reason: '', want: raw('\x03\xe8') },
    { code: 1001, reason: 'café', want: raw('\x03\xe9caf\xc3\xa9') },
    { code: 0, reason: undefined, want: raw('\x00\x00') },
    { code: 65535, reason: 'x', want: raw('\xff\xffx') },
    { code: undefined, reason: undefined, want: undefined },
    // Pushpin sends no content without a code, so a reason alone is lost.
    { code: undefined, reason: 'dropped', want: undefined },
  ])('$code $reason', ({ code, reason, want }) => {
    expect(closeEventContent(code, reason)).toStrictEqual(want)
  })

  it.each([65536, -1, 1000.5, Number.NaN])('throws for code %s', (code) => {
    expect(() => closeEventContent(code)).toThrow(RangeError)
  })

  it('encodes as the CLOSE event of H90', () => {
    const content = closeEventContent(4001, 'bye')
    expect(encodeWsEvents([{ type: 'CLOSE', content }])).toStrictEqual(
      raw('CLOSE 5\r\n\x0f\xa1bye\r\n')
    )
    expect(encodeWsEvents([{ type: 'CLOSE', content: closeEventContent() }])).toStrictEqual(
      raw('CLOSE\r\n')
    )
  })
})

describe('parseCloseContent', () => {
  it.each([
    { content: raw('\x0f\xa1bye'), want: { code: 4001, reason: 'bye' } },
    { content: raw('\x03\xe8'), want: { code: 1000, reason: '' } },
    { content: raw('\x03\xe9caf\xc3\xa9'), want: { code: 1001, reason: 'café' } },
    { content: raw('\xff\xff'), want: { code: 65535, reason: '' } },
    { content: raw('\x03\xe8\xff'), want: { code: 1000, reason: '\ufffd' } },
    { content: raw('\x03'), want: { reason: '' } },
    { content: raw(''), want: { reason: '' } },
    { content: undefined, want: { reason: '' } },
  ])('$want.code $want.reason', ({ content, want }) => {
    expect(parseCloseContent(content)).toStrictEqual(want)
  })
})
