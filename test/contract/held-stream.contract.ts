/**
 * The `HeldStreamOpener` contract: every way of holding a stream (the web ReadableStream
 * every platform has, Node's direct socket writer) runs this suite from its own test file.
 * Each implementation is served on 127.0.0.1 by a harness that hands every request to
 * `open` and returns what it gives. Never run directly: the name does not match vitest's
 * include pattern.
 * @module
 */
import http from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { HeldHead, HeldStream } from '../../src/held-stream.ts'

/** What the server did with one request. */
export interface OpenedStream {
  held: HeldStream
  aborts: number
}

/** A running server whose every request is held through the implementation under test. */
export interface HeldStreamServer {
  url: string
  /** Streams opened so far, in arrival order. */
  opened: OpenedStream[]
  close(): Promise<void>
}

const HEAD: HeldHead = {
  status: 200,
  statusText: 'Fine',
  headers: new Headers([
    ['content-type', 'text/event-stream'],
    ['x-one', 'a'],
    ['set-cookie', 'a=1'],
    ['set-cookie', 'b=2'],
  ]),
}

const text = (s: string) => new TextEncoder().encode(s)

/** Opens one client response; resolves with it once its head has arrived. */
function get(url: string): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false }, resolve)
    req.on('error', reject)
  })
}

function readAll(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => (body += chunk))
    res.on('end', () => resolve(body))
    res.on('error', reject)
  })
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  if (!check()) throw new Error(`timed out waiting for ${what}`)
}

/**
 * `keepsReason`: whether the implementation sends `statusText` as the reason phrase
 * (@hono/node-server writes its own for web Responses; the socket writer keeps the origin's).
 */
export function heldStreamContract(
  name: string,
  start: (head: HeldHead) => Promise<HeldStreamServer>,
  { keepsReason }: { keepsReason: boolean }
): void {
  describe(`HeldStreamOpener contract: ${name}`, () => {
    let server: HeldStreamServer | undefined
    afterEach(async () => {
      await server?.close()
      server = undefined
    })

    it('sends the head as given, without Content-Length, and each Set-Cookie on its own line', async () => {
      server = await start(HEAD)
      const res = await get(server.url)
      expect(res.statusCode).toBe(200)
      if (keepsReason) expect(res.statusMessage).toBe('Fine')
      expect(res.headers['content-type']).toBe('text/event-stream')
      expect(res.headers['x-one']).toBe('a')
      expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2'])
      expect(res.headers['content-length']).toBeUndefined()
      res.destroy()
    })

    it('delivers writes in order, the same bytes to every client, and ends cleanly', async () => {
      server = await start(HEAD)
      const [a, b] = await Promise.all([get(server.url), get(server.url)])
      await until(() => server!.opened.length === 2, 'two streams')
      const bodies = Promise.all([readAll(a!), readAll(b!)])
      const shared = text('data: one\n\n')
      for (const { held } of server.opened) {
        held.sink.write(shared)
        held.sink.write(text(''))
        held.sink.write(text('data: two\n\n'))
      }
      for (const { held } of server.opened) held.sink.end()
      expect(await bodies).toEqual(['data: one\n\ndata: two\n\n', 'data: one\n\ndata: two\n\n'])
    })

    it('ending twice, or writing after the end, changes nothing', async () => {
      server = await start(HEAD)
      const res = await get(server.url)
      await until(() => server!.opened.length === 1, 'the stream')
      const body = readAll(res)
      const { sink } = server.opened[0]!.held
      sink.write(text('x'))
      sink.end()
      sink.end()
      expect(() => sink.write(text('late'))).not.toThrow()
      expect(await body).toBe('x')
    })

    it('tells the session once when the client goes away', async () => {
      server = await start(HEAD)
      const res = await get(server.url)
      await until(() => server!.opened.length === 1, 'the stream')
      const opened = server.opened[0]!
      opened.held.sink.write(text('hello'))
      res.destroy()
      await until(() => opened.aborts > 0, 'the abort')
      opened.held.sink.write(text('after'))
      opened.held.sink.end()
      await new Promise((r) => setTimeout(r, 50))
      expect(opened.aborts).toBe(1)
    })

    it('destroy cuts the response short: no clean end, nothing more sent, the session not told', async () => {
      server = await start(HEAD)
      const res = await get(server.url)
      await until(() => server!.opened.length === 1, 'the stream')
      const opened = server.opened[0]!
      const { sink } = opened.held
      const complete = new Promise<boolean>((resolve) => {
        res.on('error', () => {})
        res.on('close', () => resolve(res.complete))
      })
      res.resume()
      sink.write(text('partial'))
      sink.destroy()
      expect(await complete).toBe(false)
      expect(() => {
        sink.write(text('late'))
        sink.end()
        sink.destroy()
      }).not.toThrow()
      expect(sink.buffered()).toBe(0)
      await new Promise((r) => setTimeout(r, 50))
      expect(opened.aborts).toBe(0)
    })

    it('reports bytes waiting when the client does not read', async () => {
      server = await start(HEAD)
      const res = await get(server.url)
      res.pause()
      await until(() => server!.opened.length === 1, 'the stream')
      const { sink } = server.opened[0]!.held
      expect(sink.buffered()).toBe(0)
      const chunk = new Uint8Array(256 * 1024)
      // Socket buffers on both sides take some: 64 MiB is far more than they hold.
      for (let i = 0; i < 256; i++) sink.write(chunk)
      await new Promise((r) => setTimeout(r, 50))
      expect(sink.buffered()).toBeGreaterThan(1024 * 1024)
      res.destroy()
    })
  })
}
