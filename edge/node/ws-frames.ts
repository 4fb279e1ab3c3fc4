/**
 * Whole WebSocket data frames, encoded once per message and written as they are to each
 * subscriber's socket. A server's frames are never masked (RFC 6455 §5.1), so one publish is
 * the same bytes on every connection: `ws` would build a header per socket and write header
 * and payload as two chunks (a `writev`), which is what the node:http floor pays per delivery.
 * Issue #18: WebSocket p99 was 1.31× the floor's.
 * @module
 */
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'

/** Opcodes of the data frames (RFC 6455 §5.2). */
export const TEXT_OPCODE = 1
export const BINARY_OPCODE = 2

/** A final, unmasked data frame carrying `payload` (RFC 6455 §5.2). */
export function dataFrame(opcode: 1 | 2, payload: Uint8Array): Buffer {
  const length = payload.byteLength
  const headerLength = length < 126 ? 2 : length <= 0xffff ? 4 : 10
  const frame = Buffer.allocUnsafe(headerLength + length)
  frame[0] = 0x80 | opcode
  if (length < 126) frame[1] = length
  else if (length <= 0xffff) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2)
    frame.writeUInt32BE(length >>> 0, 6)
  }
  frame.set(payload, headerLength)
  return frame
}

/** What this reads of a ws 8 WebSocket beyond its API (ws is pinned in package.json). */
interface WsInternals {
  readyState: number
  _socket?: Duplex | null
  _sender?: { _state: number } | null
  _extensions?: Record<string, unknown>
}

const OPEN = 1
/** ws's Sender writes straight to the socket in this state (not compressing, not reading a Blob). */
const SENDER_IDLE = 0

/**
 * The socket a whole frame may be written to, bypassing ws: only while ws itself would write
 * to it at once (open, no permessage-deflate, nothing queued in its sender), so frames keep
 * their order with those ws sends (pings, pongs, the close). Undefined: use `ws.send`.
 */
export function directSocket(ws: WebSocket): Duplex | undefined {
  const internals = ws as unknown as WsInternals
  if (internals.readyState !== OPEN || internals._sender?._state !== SENDER_IDLE) return undefined
  if (internals._extensions?.['permessage-deflate'] !== undefined) return undefined
  return internals._socket ?? undefined
}

/**
 * The frame of the last message asked for: a publish sends one message to every subscriber
 * in turn, so it is encoded once. Keyed by the string, or by the bytes' identity.
 */
let lastMessage: string | Uint8Array | undefined
let lastFrame: Buffer = Buffer.alloc(0)

/** The whole frame of `message`: text for a string, binary for bytes. */
export function frameOf(message: string | Uint8Array): Buffer {
  if (message !== lastMessage) {
    lastFrame =
      typeof message === 'string'
        ? dataFrame(TEXT_OPCODE, Buffer.from(message))
        : dataFrame(BINARY_OPCODE, message)
    lastMessage = message
  }
  return lastFrame
}
