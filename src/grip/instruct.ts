/**
 * GRIP instructions from an origin response (GRIP.md §2.2, §3): telling one from a plain
 * response, and parsing it into a typed `Instruct`, after Pushpin's `Instruct::fromResponse`.
 * @module
 */
import type { Result } from '../result.ts'
import { DEFAULT_MAX_CHANNELS, isInstructType } from './grip-response.ts'
import { parseInstructHeaders } from './instruct-headers.ts'
import { applyInstructJson } from './instruct-json.ts'
import type { Instruct, ParseInstructOptions } from './types.ts'

export { DEFAULT_MAX_CHANNELS, GRIP_INSTRUCT_TYPE, isGripResponse } from './grip-response.ts'

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
