/**
 * Generators for WebSocket-over-HTTP bodies (GRIP.md §7.3): event lists encoded properly,
 * then often damaged (truncated, a byte changed, junk appended, lengths in upper case), and
 * GRIP control messages (`c:{...}`) among the TEXT events.
 */
import fc from 'fast-check'
import { encodeWsEvents, WS_EVENT_TYPES, type WsEvent } from '../../src/grip/ws-events.ts'
import { anyJson, anyString, headerValue } from './fuzz-arbitraries.ts'
import { FUZZ_CHANNELS } from './fuzz-gateway.ts'

const utf8 = (text: string) => new TextEncoder().encode(text)

/** A GRIP control message as the origin writes it in a TEXT event (GRIP.md §7.4). */
const control = fc
  .oneof(
    fc.record({
      type: fc.constantFrom('subscribe', 'unsubscribe'),
      channel: fc.oneof(fc.constantFrom(...FUZZ_CHANNELS), anyString(10)),
    }),
    fc.record({ type: fc.constant('detach') }),
    fc.record(
      {
        type: fc.constant('keep-alive'),
        content: anyString(10),
        timeout: fc.oneof(fc.nat({ max: 120 }), fc.integer()),
        mode: fc.constantFrom('idle', 'interval'),
      },
      { requiredKeys: ['type'] }
    ),
    fc.record({ type: fc.constant('set-meta'), name: anyString(8), value: anyString(8) }),
    anyJson
  )
  .map((value) => utf8(`c:${JSON.stringify(value)}`))

const content = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  anyString(40).map((text) => utf8(`m:${text}`)),
  control,
  fc.constantFrom(Uint8Array.of(0x03, 0xe8), Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65))
)

/** One event, with or without content. */
const event: fc.Arbitrary<WsEvent> = fc
  .tuple(fc.constantFrom(...WS_EVENT_TYPES), fc.option(content, { nil: undefined }))
  .map(([type, data]) => (data === undefined ? { type } : { type, content: data }))

/** Damage to an encoded body, so the decoder's error paths are reached as well. */
const damage = fc.oneof(
  { weight: 5, arbitrary: fc.constant((bytes: Uint8Array) => bytes) },
  fc.nat().map((at) => (bytes: Uint8Array) => bytes.slice(0, bytes.length ? at % bytes.length : 0)),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => (bytes: Uint8Array) => {
    const out = bytes.slice()
    if (out.length > 0) out[at % out.length] = byte
    return out
  }),
  fc
    .uint8Array({ maxLength: 16 })
    .map((junk) => (bytes: Uint8Array) => Uint8Array.from([...bytes, ...junk])),
  fc.constant((bytes: Uint8Array) =>
    utf8(
      new TextDecoder()
        .decode(bytes)
        .replace(/ ([0-9a-f]+)\r\n/g, (_, hex: string) => ` ${hex.toUpperCase()}\r\n`)
    )
  )
)

/** An events body: an encoded list, maybe damaged, or plain random bytes. */
export const eventsBody = (first?: WsEvent) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.array(event, { maxLength: 6 }), damage)
        .map(([events, spoil]) => spoil(encodeWsEvents(first ? [first, ...events] : events))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 128 }) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('TEXT ffffffff\r\n', 'TEXT 10\r\nshort\r\n', 'OPEN', `${'X'.repeat(70)}\r\n`)
        .map(utf8),
    }
  )

/** Headers of a WOH answer: GRIP on or off, keep-alive polls, meta, odd content types. */
export const wohHeaders = fc.record(
  {
    'content-type': fc.oneof(
      { weight: 12, arbitrary: fc.constant('application/websocket-events') },
      fc.constantFrom('application/websocket-events; charset=utf-8', 'text/plain', '')
    ),
    'sec-websocket-extensions': fc.oneof(
      fc.constantFrom(
        'grip',
        'grip; message-prefix=""',
        'grip; message-prefix="m:"',
        'GRIP',
        'grip; message-prefix="'
      ),
      headerValue(20)
    ),
    'keep-alive-interval': fc.oneof(
      fc.constantFrom('0', '1', '20', '+30', ' 45 ', '99999999999'),
      headerValue(6)
    ),
    'set-meta-user': headerValue(10),
    'set-meta-': headerValue(4),
    'x-a': headerValue(10),
  },
  { requiredKeys: ['content-type'] }
)

/** WOH answer statuses: 200 mostly, sometimes a refusal. */
export const wohStatus = fc.oneof(
  { weight: 8, arbitrary: fc.constant(200) },
  { weight: 1, arbitrary: fc.constantFrom(204, 400, 403, 404) }
)
