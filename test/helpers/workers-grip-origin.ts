/**
 * The GRIP half of the `workers` project's test origin (workers-origin.ts hands it every
 * `/grip/*` request). It runs in Node, answering what the Worker and the fanout tier's
 * Durable Objects fetch, the way a `@fanoutio/serve-grip` origin would:
 *
 * - `GET /grip/stream/<channel>`: a stream hold on `<channel>`, initial body `open\n`;
 * - `/grip/poll/<channel>`: a response hold (`Grip-Timeout: 5`, `timeout\n` at timeout); any
 *   later request for the same path (a retry) is answered at once: `retried <method> <body>`;
 * - `POST /grip/ws/<channel>`: WebSocket-over-HTTP; OPEN subscribes the socket to `<channel>`
 *   and sets `Set-Meta-User: u1`, `?keep-alive=N` adds `Keep-Alive-Interval: N`; a TEXT
 *   `sub:<name>` subscribes to `<name>`, `slow` is answered after 3 s (with its echo), any
 *   other TEXT is echoed as `echo:<text>`, CLOSE is answered with CLOSE;
 * - `GET /grip/log`: what `/grip/poll` and `/grip/ws` received, as JSON, oldest first.
 */
import { decodeWsEvents, encodeWsEvents, type WsEvent } from '../../src/grip/ws-events.ts'

/** One request the GRIP origin received. */
export interface GripLogEntry {
  method: string
  path: string
  gripLast: string | null
  meta: string | null
  connectionId: string | null
  events: string[]
}

const log: GripLogEntry[] = []
const encoder = new TextEncoder()
const decoder = new TextDecoder()
const WOH = 'application/websocket-events'

/** Answers `/grip/*`. */
export async function gripTestOrigin(request: Request, url: URL): Promise<Response> {
  const [, , kind, channel = 'none'] = url.pathname.split('/')
  if (kind === 'log') return Response.json(log)
  if (kind === 'stream') {
    return new Response('open\n', {
      headers: { 'content-type': 'text/plain', 'grip-hold': 'stream', 'grip-channel': channel },
    })
  }
  const body = new Uint8Array(await request.arrayBuffer())
  const events = kind === 'ws' ? decodeWsEvents(body) : undefined
  const path = `${url.pathname}${url.search}`
  const again = log.some((entry) => entry.path === path)
  log.push({
    method: request.method,
    path,
    gripLast: request.headers.get('grip-last'),
    meta: request.headers.get('meta-user'),
    connectionId: request.headers.get('connection-id'),
    events: events?.ok ? events.value.map((event) => event.type) : [],
  })
  if (kind === 'poll') {
    if (again) return new Response(`retried ${request.method} ${decoder.decode(body)}\n`)
    return new Response('timeout\n', {
      headers: {
        'content-type': 'text/plain',
        'grip-hold': 'response',
        'grip-channel': channel,
        'grip-timeout': '5',
      },
    })
  }
  if (kind === 'ws' && events?.ok) {
    const slow = events.value.some(
      (event) => event.type === 'TEXT' && decoder.decode(event.content) === 'slow'
    )
    if (slow) await new Promise((resolve) => setTimeout(resolve, 3000))
    return webSocketAnswer(events.value, channel, url)
  }
  return new Response('not found', { status: 404 })
}

function webSocketAnswer(events: WsEvent[], channel: string, url: URL): Response {
  const headers: Record<string, string> = {
    'content-type': WOH,
    'sec-websocket-extensions': 'grip',
  }
  const out: WsEvent[] = []
  const text = (value: string) => out.push({ type: 'TEXT', content: encoder.encode(value) })
  const subscribe = (name: string) =>
    text(`c:${JSON.stringify({ type: 'subscribe', channel: name })}`)
  for (const event of events) {
    const content = event.content ? decoder.decode(event.content) : ''
    if (event.type === 'OPEN') {
      out.push({ type: 'OPEN' })
      subscribe(channel)
      headers['set-meta-user'] = 'u1'
      const keepAlive = url.searchParams.get('keep-alive')
      if (keepAlive) headers['keep-alive-interval'] = keepAlive
    } else if (event.type === 'TEXT' && content.startsWith('sub:')) subscribe(content.slice(4))
    else if (event.type === 'TEXT') text(`m:echo:${content}`)
    else if (event.type === 'CLOSE') out.push({ type: 'CLOSE', content: event.content })
  }
  return new Response(encodeWsEvents(out) as Uint8Array<ArrayBuffer>, { headers })
}
