/**
 * The SSE subscriber of the load generator: one GET, then no HTTP parsing beyond the status,
 * the ready marker and the `data: <seq> <sendTimeNs>` lines after it (one line per publish, so
 * chunked transfer framing never splits a line of interest).
 * @module
 */
import { type Protocol, readStamp } from './protocol.ts'

const DATA = Buffer.from('data: ')
const NL = 0x0a

/** Bytes up to and including the status code: `HTTP/1.1 200`. */
const STATUS_END = 12

/** `ready`: bytes of the response that prove the subscriber is held and subscribed. */
export function sseProtocol(path: string, ready: string): Protocol {
  const marker = Buffer.from(ready)
  return {
    request: Buffer.from(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`
    ),
    reader: (socket, sink) => {
      let answered = false
      let subscribed = false
      /** The unfinished line (or not yet matched marker) of the previous chunk. */
      let carry: Buffer | undefined
      return (chunk, now) => {
        const buf = carry ? Buffer.concat([carry, chunk]) : chunk
        carry = undefined
        let from = 0
        if (!answered) {
          if (buf.length < STATUS_END) {
            carry = buf
            return
          }
          // Anything but 200 is a failed open. Pushpin answers a burst of opens now and then
          // with `502 Error while proxying to origin.` on a kept-alive connection, which would
          // otherwise wait for a marker that never comes.
          if (buf.toString('latin1', 8, STATUS_END) !== ' 200') {
            socket.destroy()
            return
          }
          answered = true
        }
        if (!subscribed) {
          const m = buf.indexOf(marker)
          if (m === -1) {
            carry = buf.subarray(Math.max(0, buf.length - marker.length))
            return
          }
          subscribed = true
          sink.ready()
          from = m + marker.length
        }
        // Only complete lines are read; the rest waits for the next chunk.
        const end = buf.lastIndexOf(NL)
        let at = buf.indexOf(DATA, from)
        while (at !== -1 && at < end) {
          const nl = buf.indexOf(NL, at + DATA.length)
          readStamp(buf, at + DATA.length, nl, now, sink)
          at = buf.indexOf(DATA, nl + 1)
        }
        const rest = Math.max(from, end + 1)
        if (rest < buf.length) carry = buf.subarray(rest)
      }
    },
  }
}
