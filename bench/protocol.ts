/**
 * What a transport client (SSE, WebSocket) shares with the load generator: the bytes to send on
 * connect, a reader per connection that reports readiness and deliveries to a `Sink`, and the
 * parser of the message stamp `<seq> <sendTimeNs>` every published message carries.
 * @module
 */
import type net from 'node:net'

/** Where a connection's reader reports; one per connection, so readiness is per subscriber. */
export interface Sink {
  /** The subscription is held and subscribed. */
  ready(): void
  /** Message `seq`, stamped with `sentNs` (hrtime), arrived at `now` (hrtime). */
  message(seq: number, sentNs: number, now: bigint): void
}

/** Reads one chunk of a connection; `now` is its arrival (hrtime, taken once per chunk). */
export type Reader = (chunk: Buffer, now: bigint) => void

/** One transport's client side. */
export interface Protocol {
  /** Written once the TCP connection is up. */
  request: Buffer
  /** A fresh reader for one connection; it may write to `socket` (a WebSocket pong) or destroy it. */
  reader(socket: net.Socket, sink: Sink): Reader
}

const SPACE = 0x20
const ZERO = 0x30
const NINE = 0x39

/**
 * Reports the stamp `<seq> <sendTimeNs>` found at `buf[start..end)`; anything else (the SSE
 * `data: bench` of a ready event, a keep-alive) is ignored. Parsed from the bytes, without a
 * string or a BigInt per message; a double holds hrtime nanoseconds to a few ns, far below the
 * millisecond latencies measured.
 */
export function readStamp(buf: Buffer, start: number, end: number, now: bigint, sink: Sink) {
  let at = start
  let seq = 0
  while (at < end && buf[at]! >= ZERO && buf[at]! <= NINE) seq = seq * 10 + buf[at++]! - ZERO
  if (at === start || at >= end || buf[at] !== SPACE) return
  const digits = ++at
  let sent = 0
  while (at < end && buf[at]! >= ZERO && buf[at]! <= NINE) sent = sent * 10 + buf[at++]! - ZERO
  if (at === digits) return
  sink.message(seq, sent, now)
}
