/**
 * The WebSocket subscriber of the load generator, on the raw socket: a hand-written client
 * handshake (RFC 6455 §4.1; only the `101` is checked, not `Sec-WebSocket-Accept`) and just
 * enough of the framing (§5.2) for a subscriber: unmasked server frames with 7-, 16- or 64-bit
 * lengths, split across chunks or several to a chunk. A text frame carries the stamp
 * `<seq> <sendTimeNs>`; a ping is answered with a masked pong (§5.5.3); every other frame
 * (close, pong, binary, continuation) is skipped. Fragmented messages are not reassembled:
 * no server under test fragments a message this small.
 * @module
 */
import { randomBytes } from 'node:crypto'
import type net from 'node:net'
import { type Protocol, readStamp } from './protocol.ts'

const HEADER_END = Buffer.from('\r\n\r\n')
const FIN = 0x80
const OPCODE = 0x0f
const TEXT = 0x1
const PING = 0x9
const PONG = 0xa
const MASKED = 0x80
const LENGTH = 0x7f

/** A masked pong echoing the ping's payload (at most 125 bytes, §5.5). */
function pong(socket: net.Socket, payload: Buffer) {
  const frame = Buffer.allocUnsafe(6 + payload.length)
  frame[0] = FIN | PONG
  frame[1] = MASKED | payload.length
  const mask = randomBytes(4)
  mask.copy(frame, 2)
  for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i & 3]!
  socket.write(frame)
}

/**
 * `ready`: the text of the first message, which proves the socket is subscribed; undefined
 * when the `101` itself does (the server subscribes before it answers).
 */
export function wsProtocol(path: string, port: number, ready: string | undefined): Protocol {
  // One key for every connection: the server only has to see a valid one (16 bytes, base64).
  const key = randomBytes(16).toString('base64')
  const readyText = ready === undefined ? undefined : Buffer.from(ready)
  return {
    request: Buffer.from(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`
    ),
    reader: (socket, sink) => {
      let upgraded = false
      let subscribed = false
      /** The unfinished frame (or handshake) of the previous chunk. */
      let carry: Buffer | undefined
      const text = (buf: Buffer, start: number, end: number, now: bigint) => {
        if (subscribed) return readStamp(buf, start, end, now, sink)
        if (readyText && buf.subarray(start, end).equals(readyText)) {
          subscribed = true
          sink.ready()
        }
      }
      return (chunk, now) => {
        const buf = carry ? Buffer.concat([carry, chunk]) : chunk
        carry = undefined
        let at = 0
        if (!upgraded) {
          const end = buf.indexOf(HEADER_END)
          if (end === -1) {
            carry = buf
            return
          }
          // `HTTP/1.1 101 Switching Protocols`; anything else (503, a redirect) is a failed open.
          if (buf.toString('latin1', 8, 12) !== ' 101') {
            socket.destroy()
            return
          }
          upgraded = true
          if (!readyText) {
            subscribed = true
            sink.ready()
          }
          at = end + HEADER_END.length
        }
        while (buf.length - at >= 2) {
          const b0 = buf[at]!
          const b1 = buf[at + 1]!
          if (b1 & MASKED) {
            // A server must not mask its frames (§5.1): not a WebSocket peer worth reading.
            socket.destroy()
            return
          }
          let length = b1 & LENGTH
          let head = 2
          if (length === 126) {
            if (buf.length - at < 4) break
            length = buf.readUInt16BE(at + 2)
            head = 4
          } else if (length === 127) {
            if (buf.length - at < 10) break
            length = buf.readUInt32BE(at + 2) * 2 ** 32 + buf.readUInt32BE(at + 6)
            head = 10
          }
          const start = at + head
          const end = start + length
          if (end > buf.length) break
          const opcode = b0 & OPCODE
          if (opcode === TEXT && b0 & FIN) text(buf, start, end, now)
          else if (opcode === PING) pong(socket, buf.subarray(start, end))
          at = end
        }
        if (at < buf.length) carry = buf.subarray(at)
      }
    },
  }
}
