/**
 * The bench's own parsers must be right for its figures to mean anything: the message stamp,
 * the SSE subscriber's reader and the WebSocket subscriber's frame reader (bench/protocol.ts,
 * bench/sse-client.ts, bench/ws-client.ts).
 */
import type net from 'node:net'
import { describe, expect, it } from 'vitest'
import { readStamp, type Sink } from '../../../bench/protocol.ts'
import { sseProtocol } from '../../../bench/sse-client.ts'
import { wsProtocol } from '../../../bench/ws-client.ts'

function recorder() {
  const messages: [number, number][] = []
  let ready = 0
  const sink: Sink = {
    ready: () => ready++,
    message: (seq, sent) => messages.push([seq, sent]),
  }
  return { sink, messages, ready: () => ready }
}

function fakeSocket() {
  const written: Buffer[] = []
  let destroyed = false
  const socket = {
    write: (b: Buffer) => written.push(b),
    destroy: () => {
      destroyed = true
    },
  } as unknown as net.Socket
  return { socket, written, destroyed: () => destroyed }
}

/** An unmasked server frame with the length encoding its size needs. */
function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length
  const head =
    n < 126
      ? Buffer.from([0x80 | opcode, n])
      : n < 65536
        ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(n)])
  return Buffer.concat([head, payload])
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8)
  b.writeUInt32BE(Math.floor(n / 2 ** 32), 0)
  b.writeUInt32BE(n % 2 ** 32, 4)
  return b
}

const HANDSHAKE = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n')
const text = (s: string) => frame(0x1, Buffer.from(s))

describe('readStamp', () => {
  it.each([
    ['12 34567', [[12, 34567]]],
    ['0 1', [[0, 1]]],
    ['bench', []],
    ['12', []],
    ['12 ', []],
    [' 12 3', []],
  ])('%j → %j', (input, want) => {
    const r = recorder()
    const buf = Buffer.from(input)
    readStamp(buf, 0, buf.length, 0n, r.sink)
    expect(r.messages).toEqual(want)
  })
})

describe('WebSocket subscriber', () => {
  const open = (ready: string | undefined) => {
    const r = recorder()
    const s = fakeSocket()
    const read = wsProtocol('/sub', 1, ready).reader(s.socket, r.sink)
    return { r, s, read: (b: Buffer) => read(b, 0n) }
  }

  it('is ready on the 101 when no ready message is expected', () => {
    const { r, read } = open(undefined)
    read(HANDSHAKE)
    expect(r.ready()).toBe(1)
  })

  it('is ready on the ready message, then reads stamps', () => {
    const { r, read } = open('ready bench')
    read(Buffer.concat([HANDSHAKE, text('1 5')]))
    expect(r.ready()).toBe(0)
    read(Buffer.concat([text('ready bench'), text('2 6'), text('3 7')]))
    expect(r.ready()).toBe(1)
    expect(r.messages).toEqual([
      [2, 6],
      [3, 7],
    ])
  })

  it('reads 16- and 64-bit lengths and frames split anywhere, even byte by byte', () => {
    const { r, read } = open(undefined)
    const mid = Buffer.from(`4 8${' '.repeat(300)}`)
    const big = Buffer.from(`5 9${' '.repeat(70_000)}`)
    const all = Buffer.concat([
      HANDSHAKE,
      text('1 2'),
      frame(0x1, mid),
      frame(0x1, big),
      text('6 3'),
    ])
    for (let i = 0; i < 200; i++) read(all.subarray(i, i + 1))
    read(all.subarray(200))
    expect(r.messages).toEqual([
      [1, 2],
      [4, 8],
      [5, 9],
      [6, 3],
    ])
  })

  it('answers a ping with a masked pong of the same payload and skips other frames', () => {
    const { r, s, read } = open(undefined)
    read(
      Buffer.concat([
        HANDSHAKE,
        frame(0x9, Buffer.from('hi')),
        frame(0x2, Buffer.from('1 1')),
        text('7 7'),
      ])
    )
    expect(r.messages).toEqual([[7, 7]])
    const pong = s.written[0]!
    expect(pong[0]).toBe(0x8a)
    expect(pong[1]).toBe(0x80 | 2)
    const mask = pong.subarray(2, 6)
    expect(Buffer.from([pong[6]! ^ mask[0]!, pong[7]! ^ mask[1]!]).toString()).toBe('hi')
  })

  it('gives up on a refused upgrade and on a masked server frame', () => {
    const refused = open(undefined)
    refused.read(Buffer.from('HTTP/1.1 503 Service Unavailable\r\n\r\n'))
    expect(refused.s.destroyed()).toBe(true)
    expect(refused.r.ready()).toBe(0)
    const masked = open(undefined)
    masked.read(Buffer.concat([HANDSHAKE, Buffer.from([0x81, 0x83, 0, 0, 0, 0, 0x31, 0x20, 0x31])]))
    expect(masked.s.destroyed()).toBe(true)
  })
})

describe('SSE subscriber', () => {
  const open = () => {
    const r = recorder()
    const s = fakeSocket()
    const read = sseProtocol('/sub', 'event: ready').reader(s.socket, r.sink)
    return { r, s, read: (b: Buffer) => read(b, 0n) }
  }
  const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'

  it('is ready at the marker and reads data lines split anywhere', () => {
    const { r, read } = open()
    const all = Buffer.from(
      `${head}e\r\nevent: ready\n\n\r\n10\r\ndata: 1 2\n\n\r\n10\r\ndata: 3 4\n\n\r\n`
    )
    for (let i = 0; i < all.length; i++) read(all.subarray(i, i + 1))
    expect(r.ready()).toBe(1)
    expect(r.messages).toEqual([
      [1, 2],
      [3, 4],
    ])
  })

  it('gives up on anything but 200', () => {
    const { r, s, read } = open()
    read(Buffer.from('HTTP/1.1 502 Bad Gateway\r\n\r\n'))
    expect(s.destroyed()).toBe(true)
    expect(r.ready()).toBe(0)
  })
})
