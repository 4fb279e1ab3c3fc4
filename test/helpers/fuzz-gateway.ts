/**
 * The gateway in process for fuzz properties: `createGateway` over fakes (a scripted
 * MemoryOrigin, a FakeClock, a CaptureLogger), publishing on `/publish/` with one key, so a
 * property can throw inputs at `app.request` by the thousand and then check that every held
 * connection, channel and subscription is gone again.
 */

import type { Context } from 'hono'
import { MemoryStore } from '../../src/cache/memory-store.ts'
import { parseConfig } from '../../src/config/parse.ts'
import type { GatewayConfig } from '../../src/config/types.ts'
import { createGateway } from '../../src/gateway.ts'
import type { EmbeddedFanout } from '../../src/hub/embedded-fanout.ts'
import type { WebSocketAcceptor, WsHandler, WsSocket } from '../../src/ws-socket.ts'
import { CaptureLogger } from '../fakes/capture-logger.ts'
import { FakeClock } from '../fakes/fake-clock.ts'
import { MemoryOrigin, type OriginHandler } from '../fakes/memory-origin.ts'

/** The publish key every fuzz gateway accepts. */
export const FUZZ_KEY = 'fuzz-publish-key'

/** Channels the long-lived subscribers listen on; generators pick them often. */
export const FUZZ_CHANNELS = ['a', 'b', 'c'] as const

const configs = new Map<string, GatewayConfig>()

/** The fuzz gateway's config, parsed once per set of limits (a property builds thousands). */
function configFor(limits: Record<string, number>): GatewayConfig {
  const key = JSON.stringify(limits)
  let config = configs.get(key)
  if (!config) {
    const parsed = parseConfig(
      {
        origins: { app: { url: 'http://origin.test' } },
        routes: [{ path: '/*', origin: 'app' }],
        publish: { path: '/publish/', keys: [FUZZ_KEY] },
        limits,
      },
      {}
    )
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error))
    config = parsed.value
    configs.set(key, config)
  }
  return config
}

/**
 * A client socket that records what the gateway did to it and answers a close the way a
 * client does: with its own close, on a later turn.
 */
export class FakeWsSocket implements WsSocket {
  readonly sent: Array<string | Uint8Array> = []
  bufferedAmount = 0
  closed = false
  /** The code and reason the socket was closed with, by either side (none: dropped). */
  closedWith: { code: number | undefined; reason: string } | undefined
  readonly #handler: WsHandler

  constructor(handler: WsHandler) {
    this.#handler = handler
  }

  send(data: string | Uint8Array): void {
    if (!this.closed) this.sent.push(data)
  }
  ping(): void {}
  pong(): void {}
  close(code?: number, reason?: string): void {
    this.#end(code, reason ?? '', true)
  }
  terminate(): void {
    this.#end(undefined, '', false)
  }
  /** The client sends a message, a ping or a pong. */
  clientSend(data: Uint8Array, kind: 'text' | 'binary' | 'ping' | 'pong'): void {
    if (this.closed) return
    if (kind === 'ping') this.#handler.onPing(data)
    else if (kind === 'pong') this.#handler.onPong(data)
    else this.#handler.onMessage(data, kind === 'binary')
  }
  /** The client closes (or drops) its side. */
  clientClose(code: number | undefined, clean = true, reason = ''): void {
    this.#end(code, reason, clean)
  }

  #end(code: number | undefined, reason: string, clean: boolean): void {
    if (this.closed) return
    this.closed = true
    this.closedWith = { code, reason }
    setImmediate(() => this.#handler.onClose(code, reason, clean))
  }
}

/** Accepts every upgrade at once with a `FakeWsSocket`; keeps the sockets still open. */
export class FakeWsAcceptor implements WebSocketAcceptor {
  readonly sockets: FakeWsSocket[] = []

  accept(_c: Context, headers: Headers, handler: WsHandler): Response {
    const socket = new FakeWsSocket(handler)
    this.sockets.push(socket)
    handler.onOpen(socket)
    return new Response(null, { headers })
  }

  /** Sockets not closed yet. */
  get open(): FakeWsSocket[] {
    return this.sockets.filter((socket) => !socket.closed)
  }
}

/** A gateway over fakes; `origin.setHandler` scripts the origin per input. */
export function fuzzGateway(
  handler: OriginHandler = () => new Response('origin'),
  limits: Record<string, number> = {}
) {
  const clock = new FakeClock()
  const logger = new CaptureLogger()
  const origin = new MemoryOrigin(handler)
  const websocket = new FakeWsAcceptor()
  const config = configFor(limits)
  const { app, tier, cache } = createGateway(
    {
      origin,
      store: new MemoryStore({ maxBytes: 4 * 1024 * 1024, maxObjectBytes: 256 * 1024 }),
      clock,
      logger,
      waitUntil: () => {},
      websocket,
    },
    config
  )
  const hub = (tier as EmbeddedFanout).hub
  /** A POST to the publish endpoint with the key. */
  const publish = (body: BodyInit, headers: Record<string, string> = {}) =>
    app.request('http://gw.test/publish/', {
      method: 'POST',
      headers: { authorization: `Bearer ${FUZZ_KEY}`, ...headers },
      body,
    })
  /** Errors the gateway logged (an unhandled error is a bug whatever the status). */
  const errors = () => logger.records.filter((record) => record.level === 'error')
  /** Held connections, channels and subscriptions still open. */
  const held = () => {
    const snapshot = hub.snapshot() as {
      connections: Record<string, number>
      channels: number
      subscriptions: number
    }
    const connections = Object.values(snapshot.connections).reduce((sum, n) => sum + n, 0)
    return { connections, channels: snapshot.channels, subscriptions: snapshot.subscriptions }
  }
  return { app, tier, hub, cache, clock, logger, origin, websocket, publish, errors, held }
}

/** A gateway built by `fuzzGateway`. */
export type FuzzGateway = ReturnType<typeof fuzzGateway>

/** Lets pending promise chains run (no timers: the clock is fake). */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve))
}

/**
 * Reads a held body in the background, so the session keeps writing, and says whether it
 * errored (a crash) or ended (a close, which can be legitimate).
 */
export function drain(response: Response) {
  // A body the caller already read (a finite answer) counts as ended.
  const reader = response.bodyUsed ? undefined : response.body?.getReader()
  const state = { bytes: 0, ended: reader === undefined, error: undefined as unknown }
  const done = (async () => {
    if (!reader) return
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        state.bytes += value.byteLength
      }
    } catch (error) {
      state.error = error
    }
    state.ended = true
  })()
  return {
    state,
    done,
    cancel: () => reader?.cancel().catch(() => {}),
  }
}
