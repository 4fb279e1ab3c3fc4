/**
 * GRIP instructions from an origin response (GRIP.md §2.2, §3): telling one from a plain
 * response, and parsing it into a typed `Instruct`, after Pushpin's `Instruct::fromResponse`.
 * @module
 */
import type { Result } from '../result.ts'
import { parseInstructHeaders } from './instruct-headers.ts'
import { applyInstructJson } from './instruct-json.ts'
import type { Instruct, ParseInstructOptions } from './types.ts'

export type {
  GoneLink,
  HoldMode,
  Instruct,
  InstructChannel,
  InstructResponse,
  KeepAlive,
  NextLink,
  ParseInstructOptions,
  StatusLine,
} from './types.ts'

/** The media type of the JSON instruction form (GRIP.md §3.4). */
export const GRIP_INSTRUCT_TYPE = 'application/grip-instruct'

/** Pushpin's `connection_subscription_max` default (GRIP.md §3.2 `Grip-Channel`). */
export const DEFAULT_MAX_CHANNELS = 20

/** Whether the media type of `Content-Type`, parameters removed, is `application/grip-instruct`. */
function isInstructType(headers: Headers): boolean {
  const contentType = headers.get('content-type')
  if (contentType === null) return false
  const semi = contentType.indexOf(';')
  const mediaType = (semi === -1 ? contentType : contentType.slice(0, semi)).trim()
  // Media types are case-insensitive (RFC 9110 §8.3.1); Pushpin compares exactly.
  return mediaType.toLowerCase() === GRIP_INSTRUCT_TYPE
}

/**
 * Whether an origin response is a GRIP instruction (GRIP.md §2.2): any header named
 * `Grip-*`, or the `application/grip-instruct` media type. Anything else goes to the
 * client unchanged. `_status` plays no part, as in Pushpin; parseInstruct checks it.
 */
export function isGripResponse(_status: number, headers: Headers): boolean {
  let grip = false
  headers.forEach((_value, name) => {
    if (name.startsWith('grip-')) grip = true
  })
  return grip || isInstructType(headers)
}

/**
 * Parses an origin response that `isGripResponse` accepted. Errors name the header or
 * JSON field, e.g. `Grip-Timeout: expected a non-negative integer, got "abc"`; the proxy
 * answers them with a generic 502 and logs the text (GRIP.md §13 item 12).
 *
 * `body` is the whole origin body, already decoded from any Content-Encoding.
 */
export function parseInstruct(
  status: number,
  headers: Headers,
  body: Uint8Array,
  options: ParseInstructOptions = {}
): Result<Instruct, string> {
  let parsed = parseInstructHeaders(status, headers, body)
  if (parsed.ok && isInstructType(headers)) parsed = applyInstructJson(parsed.value, status, body)
  if (!parsed.ok) return parsed
  // Only the first channels are kept; the rest are dropped silently, as Pushpin does.
  const max = Math.max(0, options.maxChannels ?? DEFAULT_MAX_CHANNELS)
  const { channels } = parsed.value
  if (channels.length > max) parsed.value.channels = channels.slice(0, max)
  return parsed
}
