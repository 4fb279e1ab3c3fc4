/**
 * The workerd floor: the least a Worker plus Durable Objects can do for the bench's fan-out
 * workload, with no gateway. Connections are spread at random over `FLOOR_SHARDS` objects (the
 * gateway's holder shard count), as gripgate spreads them over its holders. An SSE subscriber is
 * a `fetch` from the Worker to a shard answered with a native byte stream; a WebSocket is
 * accepted with the Hibernation API. `POST /pub` sends its body to every shard, which writes
 * `data: <body>\n\n` to each stream and `<body>` to each socket. It is a reference for what
 * workerd itself costs, not a peer.
 * @module
 */
import { DurableObject } from 'cloudflare:workers'

interface FloorEnv {
  SHARDS: DurableObjectNamespace<FloorShard>
  FLOOR_SHARDS?: string
}

const READY = new TextEncoder().encode('event: ready\ndata: x\n\n')
const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' }

/** One shard of held connections. */
export class FloorShard extends DurableObject<FloorEnv> {
  readonly #streams = new Set<WritableStreamDefaultWriter<Uint8Array>>()

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get('upgrade')?.toLowerCase() === 'websocket') {
      const pair = new WebSocketPair()
      this.ctx.acceptWebSocket(pair[1])
      pair[1].send('ready')
      return new Response(null, { status: 101, webSocket: pair[0] })
    }
    if (request.method === 'POST') {
      const body = new Uint8Array(await request.arrayBuffer())
      this.#publish(body)
      return new Response(null, { status: 204 })
    }
    const { readable, writable } = new IdentityTransformStream()
    const writer = writable.getWriter()
    this.#write(writer, READY)
    this.#streams.add(writer)
    return new Response(readable, { headers: SSE_HEADERS })
  }

  #publish(body: Uint8Array): void {
    const text = new TextDecoder().decode(body)
    const event = new TextEncoder().encode(`data: ${text}\n\n`)
    for (const writer of this.#streams) this.#write(writer, event)
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text)
      } catch {
        // Closing: the client is gone.
      }
    }
  }

  /** A write that fails means the client left: the stream is forgotten. */
  #write(writer: WritableStreamDefaultWriter<Uint8Array>, bytes: Uint8Array): void {
    writer.write(bytes).catch(() => this.#streams.delete(writer))
  }

  override async webSocketClose(ws: WebSocket): Promise<void> {
    try {
      ws.close()
    } catch {
      // Already closed.
    }
  }
}

export default {
  async fetch(request: Request, env: FloorEnv): Promise<Response> {
    const shards = Number(env.FLOOR_SHARDS) || 16
    const shard = (n: number) => env.SHARDS.get(env.SHARDS.idFromName(`shard-${n}`))
    const path = new URL(request.url).pathname
    if (path === '/pub' && request.method === 'POST') {
      const body = await request.arrayBuffer()
      const sent = Array.from({ length: shards }, (_, n) =>
        shard(n).fetch('https://shard/pub', { method: 'POST', body })
      )
      await Promise.all(sent)
      return new Response(null, { status: 204 })
    }
    if (path === '/sub') return shard(Math.floor(Math.random() * shards)).fetch(request)
    return new Response('floor\n')
  },
}
