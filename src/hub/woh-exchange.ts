/**
 * One client socket's HTTP side (WebSocket-over-HTTP, GRIP.md §7.2): POSTs to the origin
 * carrying `Meta-*`, and the origin's answers read into actions for the socket. The requests
 * are built here alone (`wohRequest`), for a socket accepted now and for one a platform
 * rebuilds later (a hibernated Durable Object socket).
 * @module
 */
import type { SendToOrigin } from '../fanout.ts'
import { interpretOriginMessage, parseGripExtension, type WsControl } from '../grip/ws-control.ts'
import { decodeWsEvents } from '../grip/ws-events.ts'
import {
  applyMetaUpdates,
  isMetaHeader,
  keepAliveIntervalSec,
  type MetaUpdate,
  metaRequestHeaders,
  readSetMetaHeaders,
  type WsMeta,
} from '../grip/ws-meta.ts'
import { readUpTo } from '../http/body.ts'
import { toPairs } from '../http/headers.ts'
import { sharedPair } from '../http/shared-pairs.ts'

/** The only content type Pushpin accepts from the origin; it compares the whole value (§7.2). */
export const WOH_CONTENT_TYPE = 'application/websocket-events'

/** Largest origin answer read (Pushpin treats more than 1 MB as an error). */
const MAX_REPLY_BYTES = 1_000_000

/** Handshake fields that describe the client's connection, not the WOH requests (§7.2). */
const NOT_FORWARDED = [
  'upgrade',
  'connection',
  'accept',
  'content-length',
  'connection-id',
  'sec-websocket-extensions',
]

/** Fields that differ on every connection. */
const UNIQUE = ['connection-id', 'sec-websocket-key']

/**
 * Where one connection's WOH requests go, fixed when the client connects. Kept for the
 * socket's lifetime (and saved with a hibernating one): plain pairs and the URL's text, not
 * a Headers object and the whole client Request.
 */
export interface WohTarget {
  /** The WOH `Connection-Id`. */
  id: string
  url: string
  /** Every request's fields before `Meta-*` and `Content-Length`. */
  headers: [string, string][]
}

/** The target of a client's handshake: its fields but those of its own connection, and a new id. */
export function wohTarget(client: Request): WohTarget {
  const id = crypto.randomUUID()
  const headers = new Headers()
  client.headers.forEach((value, name) => {
    if (!NOT_FORWARDED.includes(name) && !isMetaHeader(name)) headers.append(name, value)
  })
  headers.set('content-type', WOH_CONTENT_TYPE)
  headers.set('accept', WOH_CONTENT_TYPE)
  headers.set('connection-id', id)
  headers.set('sec-websocket-extensions', 'grip')
  // Fields unique to this connection are not worth sharing.
  const pairs = toPairs(headers).map((pair) =>
    UNIQUE.includes(pair[0]) ? pair : sharedPair(pair[0], pair[1])
  )
  return { id, url: client.url, headers: pairs }
}

/** One WOH request to `target`: its fields, the connection's `Meta-*`, and `body`'s events. */
export function wohRequest(
  target: WohTarget,
  body: Uint8Array,
  meta: readonly [string, string][]
): Request {
  const headers = new Headers(target.headers)
  for (const [name, value] of meta) headers.set(name, value)
  // Sized, not chunked: Pushpin sends Content-Length, `0` on a keep-alive poll (§7.2).
  headers.set('content-length', String(body.byteLength))
  return new Request(target.url, {
    method: 'POST',
    headers,
    body: body as Uint8Array<ArrayBuffer>,
  })
}

/** One thing the origin asked the gateway to do to the client socket. */
export type OriginAction =
  | { kind: 'message'; type: 'text' | 'binary'; content: Uint8Array }
  | { kind: 'ping' | 'pong' | 'close'; content: Uint8Array }
  | { kind: 'disconnect' }
  | { kind: 'control'; control: WsControl }

/** An origin answer, read. */
export type OriginReply =
  | {
      ok: true
      actions: OriginAction[]
      setMeta: MetaUpdate[]
      keepAliveIntervalSec: number | undefined
    }
  | { ok: false; reason: string; response?: Response }

const EMPTY = new Uint8Array(0)

/** The HTTP conversation of one socket with its origin. */
export class WohExchange {
  keepAliveIntervalSec: number | undefined
  grip = { enabled: false, prefix: '' }
  #meta: WsMeta = {}
  readonly #send: (body: Uint8Array, meta: [string, string][]) => Promise<Response>

  /** `send` posts one request's events with the connection's meta (tests answer it themselves). */
  constructor(send: (body: Uint8Array, meta: [string, string][]) => Promise<Response>) {
    this.#send = send
  }

  /** The exchange of a real connection: `wohRequest`s to `target`, always to the origin itself. */
  static to(target: WohTarget, send: SendToOrigin): WohExchange {
    return new WohExchange((body, meta) => send(wohRequest(target, body, meta), { direct: true }))
  }

  /** POSTs events (possibly none: a keep-alive poll) with the current meta. */
  post(body: Uint8Array): Promise<Response> {
    return this.#send(body, metaRequestHeaders(this.#meta))
  }

  /** The connection meta the origin stored so far (sent back as `Meta-*`). */
  get meta(): WsMeta {
    return this.#meta
  }

  updateMeta(updates: readonly MetaUpdate[]): void {
    if (updates.length > 0) this.#meta = applyMetaUpdates(this.#meta, updates)
  }

  /**
   * Reads the answer to the OPEN request: it accepts the connection only when it is a 200 of
   * the exact content type whose first event is OPEN (or, with Keep-Alive-Interval, empty).
   * It also decides whether GRIP processing is on (`Sec-WebSocket-Extensions: grip`).
   */
  async readOpen(response: Response): Promise<OriginReply> {
    if (!isEventsResponse(response))
      return { ok: false, reason: `origin refused: ${response.status}`, response }
    this.grip = parseGripExtension(response.headers.get('sec-websocket-extensions'))
    const reply = await this.read(response, true)
    return reply
  }

  /** Reads the answer to any later request. */
  async read(response: Response, isOpen = false): Promise<OriginReply> {
    if (!isEventsResponse(response)) {
      await response.body?.cancel()
      return {
        ok: false,
        reason:
          `origin answered ${response.status} ${response.headers.get('content-type') ?? ''}`.trim(),
      }
    }
    const body = await readUpTo(response, MAX_REPLY_BYTES)
    if (body === undefined) return { ok: false, reason: 'origin answer over 1 MB' }
    const decoded = decodeWsEvents(body)
    if (!decoded.ok) return { ok: false, reason: `bad events from origin: ${decoded.error}` }
    const keepAlive = keepAliveIntervalSec(response.headers.get('keep-alive-interval'))
    let events = decoded.value
    if (isOpen) {
      if (events.length === 0 && keepAlive === undefined)
        return { ok: false, reason: 'empty OPEN answer' }
      if (events.length > 0 && events[0]?.type !== 'OPEN')
        return { ok: false, reason: 'OPEN answer must start with OPEN' }
      events = events.slice(1)
    }
    const actions: OriginAction[] = []
    for (const event of events) {
      const content = event.content ?? EMPTY
      switch (event.type) {
        case 'TEXT':
        case 'BINARY': {
          const action = this.grip.enabled
            ? interpretOriginMessage({ type: event.type, content }, this.grip.prefix)
            : ({ kind: 'message', type: event.type, content } as const)
          if (action.kind === 'control') actions.push(action)
          else if (action.kind === 'message') {
            actions.push({
              kind: 'message',
              type: action.type === 'TEXT' ? 'text' : 'binary',
              content: action.content,
            })
          }
          break
        }
        case 'PING':
          actions.push({ kind: 'ping', content })
          break
        case 'PONG':
          actions.push({ kind: 'pong', content })
          break
        case 'CLOSE':
          actions.push({ kind: 'close', content })
          break
        default:
          // DISCONNECT, or an OPEN anywhere but first, drops the client (§7.3).
          actions.push({ kind: 'disconnect' })
      }
    }
    return {
      ok: true,
      actions,
      setMeta: readSetMetaHeaders(response.headers),
      keepAliveIntervalSec: keepAlive,
    }
  }
}

function isEventsResponse(response: Response): boolean {
  return response.status === 200 && response.headers.get('content-type') === WOH_CONTENT_TYPE
}
