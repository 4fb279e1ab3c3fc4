/**
 * Bytes on the wire, for attacks that are about them (smuggling, odd framing, duplicate
 * fields): writes exactly what it is given to a TCP port and collects what comes back.
 * fetch and node:http would normalise the very bytes these tests are about.
 */
import net from 'node:net'

/** What came back on one raw connection. */
export interface RawExchange {
  /** Everything received, in order. */
  bytes: Buffer
  /** `bytes` as latin1 text: one character per byte, so lengths stay byte lengths. */
  text: string
  /** Whether the peer closed (or reset) the connection before the exchange ended. */
  closed: boolean
  /** Whether the exchange ended because `maxMs` passed. */
  timedOut: boolean
}

/** How long to wait for an answer. */
export interface RawExchangeOptions {
  /** End once nothing has arrived for this long after the first byte (default 300 ms). */
  idleMs?: number
  /** End after this long whatever happens (default 5 s). */
  maxMs?: number
  /** End as soon as the received text satisfies this. */
  until?: (text: string) => boolean
}

/**
 * Opens a connection to `port` on 127.0.0.1, writes `data` (each element in its own
 * write when an array) and resolves with what the peer sent until it closes, goes idle,
 * `until` holds, or `maxMs` passes. The socket is always destroyed afterwards.
 */
export function rawExchange(
  port: number,
  data: string | Buffer | Array<string | Buffer>,
  options: RawExchangeOptions = {}
): Promise<RawExchange> {
  const idleMs = options.idleMs ?? 300
  const maxMs = options.maxMs ?? 5_000
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = net.connect(port, '127.0.0.1')
    let idle: NodeJS.Timeout | undefined
    let done = false
    const finish = (closed: boolean, timedOut: boolean) => {
      if (done) return
      done = true
      clearTimeout(idle)
      clearTimeout(deadline)
      socket.destroy()
      const bytes = Buffer.concat(chunks)
      resolve({ bytes, text: bytes.toString('latin1'), closed, timedOut })
    }
    const deadline = setTimeout(() => finish(false, true), maxMs)
    socket.on('data', (chunk) => {
      chunks.push(chunk)
      if (options.until?.(Buffer.concat(chunks).toString('latin1'))) return finish(false, false)
      clearTimeout(idle)
      idle = setTimeout(() => finish(false, false), idleMs)
    })
    socket.on('close', () => finish(true, false))
    socket.on('error', () => finish(true, false))
    socket.on('connect', () => {
      for (const part of Array.isArray(data) ? data : [data]) socket.write(part)
    })
  })
}

/** The status codes of every HTTP/1.x response head in `text`, in order. */
export function statusCodes(text: string): number[] {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]))
}
