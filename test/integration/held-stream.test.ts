/**
 * Both ways of holding a stream pass one contract: the web ReadableStream (served here by
 * @hono/node-server, as on Node before #8) and Node's direct socket writer.
 */
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { serve } from '@hono/node-server'
import { describe, expect, it } from 'vitest'
import { SocketStreamOpener } from '../../edge/node/socket-stream.ts'
import { type HeldHead, type HeldStream, webHeldStream } from '../../src/held-stream.ts'
import {
  type HeldStreamServer,
  heldStreamContract,
  type OpenedStream,
} from '../contract/held-stream.contract.ts'

// The test of what a held stream keeps forces a collection.
setFlagsFromString('--expose-gc')

type Open = (request: Request, outgoing: ServerResponse, onAbort: () => void) => HeldStream

async function startWith(open: Open): Promise<HeldStreamServer> {
  const opened: OpenedStream[] = []
  const server = await new Promise<Server>((resolve) => {
    const s = serve(
      {
        fetch: (request, env) => {
          const entry = { aborts: 0 } as OpenedStream
          entry.held = open(request, env.outgoing as ServerResponse, () => entry.aborts++)
          opened.push(entry)
          return entry.held.response
        },
        port: 0,
        hostname: '127.0.0.1',
      },
      () => resolve(s as Server)
    ) as Server
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    opened,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const webServer = (head: HeldHead) =>
  startWith((_req, _out, onAbort) => webHeldStream(head, onAbort))

const socketServer = (head: HeldHead) => {
  const opener = new SocketStreamOpener()
  return startWith((request, outgoing, onAbort) => {
    opener.bind(request, outgoing)
    const held = opener.open(request, head, onAbort)
    if (!held) throw new Error('the socket opener refused a fresh request')
    return held
  })
}

heldStreamContract('web ReadableStream', webServer, { keepsReason: false })
heldStreamContract('Node socket writer', socketServer, { keepsReason: true })

describe('Node socket writer, HTTP details', () => {
  const head: HeldHead = { status: 200, statusText: 'OK', headers: new Headers() }

  async function raw(
    url: string,
    request: string
  ): Promise<{ socket: net.Socket; text: () => string }> {
    const { port } = new URL(url)
    const socket = net.connect(Number(port), '127.0.0.1')
    let text = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (text += chunk))
    socket.write(request)
    return { socket, text: () => text }
  }

  it('frames each write as one HTTP/1.1 chunk and ends with the last chunk', async () => {
    const server = await socketServer(head)
    try {
      const client = await raw(server.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      await vi_until(() => server.opened.length === 1)
      const { sink } = server.opened[0]!.held
      sink.write(new TextEncoder().encode('hello'))
      sink.write(new Uint8Array(20).fill(97))
      sink.end()
      await vi_until(() => client.text().endsWith('0\r\n\r\n'))
      const body = client.text().split('\r\n\r\n').slice(1).join('\r\n\r\n')
      expect(body).toBe(`5\r\nhello\r\n14\r\n${'a'.repeat(20)}\r\n0\r\n\r\n`)
      expect(client.text()).toMatch(/transfer-encoding: chunked/i)
      client.socket.destroy()
    } finally {
      await server.close()
    }
  })

  it('sends the head and the first body bytes of its turn in one write', async () => {
    let buffered = -1
    const opener = new SocketStreamOpener()
    const server = await startWith((request, outgoing, onAbort) => {
      opener.bind(request, outgoing)
      const held = opener.open(request, head, onAbort)
      if (!held) throw new Error('the socket opener refused a fresh request')
      // As a stream session writes its initial body: in the turn its head went out.
      held.sink.write(new TextEncoder().encode('hello'))
      buffered = held.sink.buffered()
      return held
    })
    try {
      const client = await raw(server.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      await vi_until(() => client.text().includes('hello'))
      // Head and body waited, corked, for the end of the turn: one writev, not two writes.
      expect(buffered).toBeGreaterThan('hello'.length)
      client.socket.destroy()
    } finally {
      await server.close()
    }
  })

  it('sends an HTTP/1.0 client the bytes as they are and closes to end them', async () => {
    const server = await socketServer(head)
    try {
      const client = await raw(server.url, 'GET / HTTP/1.0\r\n\r\n')
      const closed = new Promise<void>((resolve) => client.socket.on('close', () => resolve()))
      await vi_until(() => server.opened.length === 1)
      const { sink } = server.opened[0]!.held
      sink.write(new TextEncoder().encode('hello'))
      sink.end()
      await closed
      expect(client.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
      expect(client.text()).not.toMatch(/transfer-encoding/i)
      expect(client.text().endsWith('\r\n\r\nhello')).toBe(true)
    } finally {
      await server.close()
    }
  })

  it('destroy drops the connection at once, even with a backlog the client never read', async () => {
    const server = await socketServer(head)
    try {
      const client = await raw(server.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      client.socket.on('error', () => {})
      const closed = new Promise<void>((resolve) => client.socket.on('close', () => resolve()))
      await vi_until(() => server.opened.length === 1)
      client.socket.pause()
      const { sink } = server.opened[0]!.held
      // Far more than the socket buffers on both sides hold: most of it waits in Node.
      const chunk = new Uint8Array(256 * 1024)
      for (let i = 0; i < 256; i++) sink.write(chunk)
      sink.destroy()
      client.socket.resume()
      let done = false
      closed.then(() => (done = true))
      await vi_until(() => done)
      // The backlog went with the connection: at most what the kernel buffers held arrived.
      expect(client.text().length).toBeLessThan(32 * 1024 * 1024)
    } finally {
      await server.close()
    }
  })

  it('keeps nothing of the client Request while held, and still hears the client leave (issue #18)', async () => {
    // As the gateway opens a stream: after the origin answered, once @hono/node-server has
    // added its own 'close' listener (which keeps the Request alive for the whole hold).
    const gc = runInNewContext('gc') as () => void
    const opener = new SocketStreamOpener()
    let request: WeakRef<Request> | undefined
    let held: HeldStream | undefined
    let aborts = 0
    const server = await new Promise<Server>((resolve) => {
      const s = serve(
        {
          fetch: async (client, env) => {
            opener.bind(client, env.outgoing as ServerResponse)
            request = new WeakRef(client)
            await new Promise((r) => setTimeout(r, 20))
            held = opener.open(client, head, () => aborts++)
            if (!held) throw new Error('the socket opener refused a fresh request')
            return held.response
          },
          port: 0,
          hostname: '127.0.0.1',
        },
        () => resolve(s as Server)
      ) as Server
    })
    try {
      const { port } = server.address() as AddressInfo
      const client = await raw(`http://127.0.0.1:${port}/`, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      await vi_until(() => client.text().includes('\r\n\r\n'))
      held!.sink.write(new TextEncoder().encode('hello'))
      await vi_until(() => client.text().includes('hello'))
      // deref() keeps its target to the end of the job, so none is called before the last gc.
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 10))
        gc()
      }
      await new Promise((r) => setTimeout(r, 10))
      expect(request?.deref()).toBeUndefined()
      client.socket.destroy()
      await vi_until(() => aborts === 1)
    } finally {
      await new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
    }
  })

  it('declines a request it was never given the response of', () => {
    const opener = new SocketStreamOpener()
    expect(opener.open(new Request('http://x/'), head, () => {})).toBeUndefined()
  })
})

async function vi_until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  expect(check()).toBe(true)
}
