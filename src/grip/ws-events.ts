/**
 * The WebSocket-over-HTTP event codec (GRIP.md §7.3): the `application/websocket-events`
 * bodies exchanged between the proxy and the origin. Each event is `TYPE CRLF`, or
 * `TYPE SP HEXLEN CRLF CONTENT CRLF` when it has content; the content is raw bytes.
 * @module
 */
import { concatBytes } from '../http/bytes.ts'
import { err, ok, type Result } from '../result.ts'
import { utf8 } from './bytes.ts'
import { show } from './json-fields.ts'

/** The event types of GRIP.md §7.3, in Pushpin's spelling (matched case-sensitively). */
export const WS_EVENT_TYPES = [
  'OPEN',
  'TEXT',
  'BINARY',
  'PING',
  'PONG',
  'CLOSE',
  'DISCONNECT',
] as const

/** One WebSocket-over-HTTP event type. */
export type WsEventType = (typeof WS_EVENT_TYPES)[number]

/**
 * One event. `content` absent means the event is written `TYPE\r\n`; an empty array is
 * written `TYPE 0\r\n\r\n`. Pushpin omits empty PING/PONG content, so pass `undefined` there.
 */
export interface WsEvent {
  type: WsEventType
  content?: Uint8Array
}

/** Whether `name` is a known event type. */
export function isWsEventType(name: string): name is WsEventType {
  return (WS_EVENT_TYPES as readonly string[]).includes(name)
}

const CR = 0x0d
const LF = 0x0a
const CRLF = Uint8Array.of(CR, LF)

/**
 * Encodes events as a request or response body. Lengths are lowercase hex, as Pushpin
 * writes them (`TEXT c` for 12 bytes).
 */
export function encodeWsEvents(events: readonly WsEvent[]): Uint8Array {
  const parts: Uint8Array[] = []
  for (const { type, content } of events) {
    if (content === undefined) {
      parts.push(utf8(`${type}\r\n`))
    } else {
      parts.push(utf8(`${type} ${content.length.toString(16)}\r\n`), content, CRLF)
    }
  }
  return concatBytes(parts)
}

// The longest valid line is `DISCONNECT` or a type plus a hex length; anything longer than
// this is junk, and refusing it early keeps error messages (and their decoding) short.
const LINE_MAX = 64
const HEX = /^[0-9A-Fa-f]+$/

const latin1 = (bytes: Uint8Array): string => {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return text
}

/** Where the CRLF ending the line at `from` starts, or -1 if none within `LINE_MAX`. */
function findLineEnd(body: Uint8Array, from: number): number {
  const last = Math.min(body.length - 1, from + LINE_MAX + 1)
  for (let i = from; i < last; i++) if (body[i] === CR && body[i + 1] === LF) return i
  return -1
}

/**
 * Decodes an events body. Hex lengths are read in either case (GRIP.md §7.3) and content
 * may hold any bytes, CRLF included. Unlike Pushpin, which clamps a length running past
 * the end and skips two bytes after the content unseen, framing is checked strictly: a
 * missing CRLF, a length past the end, a bad length or an unknown type is an error naming
 * the byte offset of the event.
 */
export function decodeWsEvents(body: Uint8Array): Result<WsEvent[], string> {
  const events: WsEvent[] = []
  let pos = 0
  while (pos < body.length) {
    const start = pos
    const fail = (problem: string) => err(`event at byte ${start}: ${problem}`)
    const eol = findLineEnd(body, pos)
    if (eol === -1) {
      return fail(body.length - pos > LINE_MAX ? 'line is too long' : 'line does not end in CRLF')
    }
    const line = latin1(body.subarray(pos, eol))
    const space = line.indexOf(' ')
    const type = space === -1 ? line : line.slice(0, space)
    if (!isWsEventType(type)) return fail(`unknown event type ${show(type)}`)
    pos = eol + 2
    if (space === -1) {
      events.push({ type })
      continue
    }
    const hex = line.slice(space + 1)
    if (!HEX.test(hex)) return fail(`invalid content length ${show(hex)}`)
    const end = pos + Number.parseInt(hex, 16)
    if (end > body.length) {
      return fail(`content length 0x${hex} runs past the end of the body (${body.length} bytes)`)
    }
    if (body[end] !== CR || body[end + 1] !== LF) {
      return fail(`content is not followed by CRLF at byte ${end}`)
    }
    events.push({ type, content: body.slice(pos, end) })
    pos = end + 2
  }
  return ok(events)
}

/**
 * The content of a CLOSE event: a 2-byte big-endian code and the UTF-8 reason (GRIP.md
 * §7.3). Without a code there is no content (`CLOSE\r\n`) and the reason is dropped, as
 * Pushpin does. Throws a `RangeError` for a code outside 0–65535: that is a caller bug.
 */
export function closeEventContent(code?: number, reason = ''): Uint8Array | undefined {
  if (code === undefined) return undefined
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) {
    throw new RangeError(`close code ${code} does not fit in 16 bits`)
  }
  const text = utf8(reason)
  const out = new Uint8Array(2 + text.length)
  out[0] = code >> 8
  out[1] = code & 0xff
  out.set(text, 2)
  return out
}

const lenientUtf8 = new TextDecoder('utf-8')

/**
 * Reads CLOSE content. Fewer than 2 bytes means no code, as in Pushpin; the reason is
 * decoded as UTF-8 with invalid sequences replaced (Qt's `fromUtf8`).
 */
export function parseCloseContent(content: Uint8Array | undefined): {
  code?: number
  reason: string
} {
  if (!content || content.length < 2) return { reason: '' }
  return {
    code: (content[0]! << 8) | content[1]!,
    reason: lenientUtf8.decode(content.subarray(2)),
  }
}
