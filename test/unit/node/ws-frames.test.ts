import { once } from 'node:events'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import {
  BINARY_OPCODE,
  dataFrame,
  directSocket,
  frameOf,
  TEXT_OPCODE,
} from '../../../edge/node/ws-frames.ts'

/** ws's frame encoder: public in ws, not in its type declarations. */
const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] }
}

/** The frame ws itself would write for `payload` from a server. */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const parts = Sender.frame(payload, {
    fin: true,
    mask: false,
    opcode,
    readOnly: true,
    rsv1: false,
  })
  return Buffer.concat(parts)
}

describe('dataFrame', () => {
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000])(
    'encodes a %i-byte payload as ws does',
    (length) => {
      const payload = Buffer.alloc(length, 0x61)
      expect(dataFrame(TEXT_OPCODE, payload).equals(wsFrame(TEXT_OPCODE, payload))).toBe(true)
      expect(dataFrame(BINARY_OPCODE, payload).equals(wsFrame(BINARY_OPCODE, payload))).toBe(true)
    }
  )

  it('encodes a string once per message: the same frame for the same text', () => {
    const first = frameOf('hello')
    expect(frameOf('hello')).toBe(first)
    expect(frameOf('other').equals(dataFrame(TEXT_OPCODE, Buffer.from('other')))).toBe(true)
    const bytes = new Uint8Array([1, 2, 3])
    expect(frameOf(bytes).equals(dataFrame(BINARY_OPCODE, bytes))).toBe(true)
  })
})

describe('directSocket', () => {
  it('writes frames a ws client reads in order with ws sends, and none once closing', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false })
    await once(wss, 'listening')
    const accepted = once(wss, 'connection')
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`)
    const received: string[] = []
    client.on('message', (data, binary) => received.push(binary ? `b:${data}` : String(data)))
    const [server] = (await accepted) as [WebSocket]
    await once(client, 'open')
    const socket = directSocket(server)
    expect(socket).toBeDefined()
    socket!.write(frameOf('one'))
    server.send('two')
    socket!.write(frameOf(new Uint8Array([0x33])))
    while (received.length < 3) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(received).toEqual(['one', 'two', 'b:3'])
    server.close()
    expect(directSocket(server)).toBeUndefined()
    client.close()
    await new Promise<void>((resolve) => wss.close(() => resolve()))
  })

  it('leaves a compressing connection to ws', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: true })
    await once(wss, 'listening')
    const accepted = once(wss, 'connection')
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`)
    const [server] = (await accepted) as [WebSocket]
    await once(client, 'open')
    expect(directSocket(server)).toBeUndefined()
    client.close()
    await new Promise<void>((resolve) => wss.close(() => resolve()))
  })
})
