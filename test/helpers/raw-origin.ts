/**
 * An origin that answers with exactly the bytes a test gives it, for answers node:http would
 * refuse to send (control characters in a reason phrase, odd framing). Each connection gets
 * one answer and is closed, so nothing of one answer leaks into the next.
 */
import net from 'node:net'

/** A running raw origin. */
export interface RawOrigin {
  url: string
  /** Requests received, as latin1 text up to the end of their head. */
  heads: string[]
  /** Sets the bytes answered from now on (a function gets the request head). */
  answer(bytes: string | Buffer | ((head: string) => string | Buffer)): void
  close(): Promise<void>
}

/** Starts a raw origin on 127.0.0.1. */
export async function startRawOrigin(): Promise<RawOrigin> {
  let answer: string | Buffer | ((head: string) => string | Buffer) =
    'HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'
  const heads: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    let received = ''
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1')
      const end = received.indexOf('\r\n\r\n')
      if (end === -1) return
      socket.off('data', onData)
      const head = received.slice(0, end)
      heads.push(head)
      const bytes = typeof answer === 'function' ? answer(head) : answer
      socket.end(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes)
    }
    socket.on('data', onData)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    heads,
    answer: (bytes) => {
      answer = bytes
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** An HTTP/1.1 answer with a Content-Length body and `Connection: close`, as latin1 bytes. */
export function rawAnswer(
  status: number,
  reason: string,
  headers: Record<string, string>,
  body: Uint8Array = new Uint8Array(0)
): Buffer {
  const lines = [`HTTP/1.1 ${status} ${reason}`]
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`)
  lines.push(`Content-Length: ${body.byteLength}`, 'Connection: close', '', '')
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body])
}
