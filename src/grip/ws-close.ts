/**
 * The rules of WebSocket close frames (RFC 6455 §5.5, §7.4) in one place: which codes a
 * close frame may carry, how long its reason may be, and the codes the gateway itself sends.
 * A publish is checked by the same rule the socket is closed by, so a code accepted from a
 * publisher is the code the client receives.
 * @module
 */
import { utf8 } from './bytes.ts'

/** Ping, pong and close frames carry at most 125 bytes (RFC 6455 §5.5). */
export const CONTROL_PAYLOAD_MAX = 125

/** A close frame's reason: the payload less its 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = CONTROL_PAYLOAD_MAX - 2

/** Close codes the gateway sends (RFC 6455 §7.4.1). */
export const CLOSE_CODES = {
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
} as const

/**
 * Codes a close frame may carry: 1000-1014 less 1004-1006 (reserved, or never sent on the
 * wire), and 3000-4999 (registered and private use), as the `ws` package checks them. 1015
 * and 1016-2999 are reserved for future RFCs: a socket refuses to send them.
 */
export function isSendableCloseCode(code: number): boolean {
  return (
    Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999))
  )
}

/** Whether `reason` fits a close frame. */
export function fitsCloseReason(reason: string): boolean {
  return utf8(reason).length <= MAX_CLOSE_REASON_BYTES
}

/** At most `max` bytes of `text` in UTF-8, never splitting a character. */
export function utf8Prefix(text: string, max: number): string {
  const bytes = utf8(text)
  if (bytes.length <= max) return text
  let end = max
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end-- // a continuation byte: back off
  return new TextDecoder().decode(bytes.subarray(0, end))
}

/** `reason` cut to what a close frame can carry. */
export function closeReason(reason: string): string {
  return utf8Prefix(reason, MAX_CLOSE_REASON_BYTES)
}
