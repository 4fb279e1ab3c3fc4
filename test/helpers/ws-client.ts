/**
 * A `ws` client for integration tests: every message and the close are recorded from the
 * first moment, and each wait is bounded.
 */
import WebSocket from 'ws'

/** One message the client received. */
export interface ClientMessage {
  data: string | Uint8Array
  binary: boolean
}

/** How the client's socket ended. */
export interface ClientClose {
  code: number
  reason: string
}

/** What a refused handshake answered instead of 101. */
export interface RefusedHandshake {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export interface WsClient {
  ws: WebSocket
  /** The headers of the 101 response. */
  upgradeHeaders: Record<string, string | string[] | undefined>
  /** Every message so far, oldest first. */
  messages: ClientMessage[]
  /** The next message not yet taken by `next`; rejects after `timeoutMs`. */
  next(timeoutMs?: number): Promise<ClientMessage>
  /** Resolves when the socket closed. */
  closed: Promise<ClientClose>
  /** `closed`, rejecting after `timeoutMs`. */
  waitClose(timeoutMs?: number): Promise<ClientClose>
}

/** Rejects with `what` when `promise` has not settled within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Polls `check` every 10 ms until it is true; rejects after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Opens a client socket and resolves once it is open; rejects on a failed handshake. */
export function connectWs(url: string, timeoutMs = 5000): Promise<WsClient> {
  const ws = new WebSocket(url)
  const messages: ClientMessage[] = []
  let taken = 0
  const waiters: (() => void)[] = []
  let upgradeHeaders: WsClient['upgradeHeaders'] = {}
  ws.once('upgrade', (res) => {
    upgradeHeaders = res.headers
  })
  ws.on('message', (data, isBinary) => {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer)
    messages.push(
      isBinary
        ? { data: new Uint8Array(bytes), binary: true }
        : { data: bytes.toString('utf8'), binary: false }
    )
    for (const wake of waiters.splice(0)) wake()
  })
  const closed = new Promise<ClientClose>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString('utf8') })
      for (const wake of waiters.splice(0)) wake()
    })
  })
  const client: WsClient = {
    ws,
    get upgradeHeaders() {
      return upgradeHeaders
    },
    messages,
    async next(ms = 5000) {
      const deadline = Date.now() + ms
      while (taken >= messages.length) {
        const left = deadline - Date.now()
        if (left <= 0 || ws.readyState === WebSocket.CLOSED)
          throw new Error(`no message within ${ms} ms (state ${ws.readyState})`)
        await within(new Promise<void>((wake) => waiters.push(wake)), left, 'next message').catch(
          () => {}
        )
      }
      return messages[taken++]!
    },
    closed,
    waitClose: (ms = 5000) => within(closed, ms, 'socket close'),
  }
  return within(
    new Promise<WsClient>((resolve, reject) => {
      ws.once('open', () => resolve(client))
      ws.on('error', reject)
    }),
    timeoutMs,
    `open ${url}`
  )
}

/** Attempts a handshake the server is expected to refuse; resolves with what it answered. */
export function refusedHandshake(url: string, timeoutMs = 5000): Promise<RefusedHandshake> {
  const ws = new WebSocket(url)
  return within(
    new Promise<RefusedHandshake>((resolve, reject) => {
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
          ws.terminate()
        })
      })
      ws.once('open', () => {
        ws.terminate()
        reject(new Error(`handshake to ${url} succeeded`))
      })
      ws.on('error', reject)
    }),
    timeoutMs,
    `refused handshake ${url}`
  )
}
