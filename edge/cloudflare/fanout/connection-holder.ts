/**
 * `ConnectionHolder`: a Durable Object that owns client connections (streams, long-polls,
 * WebSockets) and runs the GRIP engine from src/ unchanged. The Worker picks one of N
 * shards per connection; channel rooms push publishes here; sockets hibernate.
 * @module
 */
import { DurableObject } from 'cloudflare:workers'
import type { CountedReport } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import { isWebSocketUpgrade } from '../../../src/proxy/classify.ts'
import { workersLogger } from '../logger.ts'
import type { FanoutEnv } from './env.ts'
import { errorResponse } from './error-response.ts'
import { HolderRuntime } from './holder-runtime.ts'
import type { ConnectionHolderRpc, ReplayCallback } from './rpc.ts'
import { decodeHold, HOLD_PATH, type HoldPayload } from './wire.ts'

/** What a holder holds, for tests and diagnostics. */
export interface HolderDescription {
  sockets: number
  /** Channels the rooms were told this holder wants. */
  channels: string[]
  connections: Record<string, number>
}

/** One shard of connections. */
export class ConnectionHolder extends DurableObject<FanoutEnv> implements ConnectionHolderRpc {
  #runtime: HolderRuntime | undefined

  /** The engine, rebuilt (sockets restored) on the first event after a start or hibernation. */
  #engine(): HolderRuntime {
    this.#runtime ??= new HolderRuntime(this.ctx, this.env)
    return this.#runtime
  }

  /**
   * RPC from the Worker: holds a long-poll as the parsed instruction says and answers once
   * it is answered. `replay` is given when the client request had a body: only the Worker
   * still has it.
   */
  async hold(payload: HoldPayload, replay?: ReplayCallback): Promise<Response> {
    try {
      return await this.#engine().hold(payload, replay)
    } catch (error) {
      return errorResponse(error, this.#runtime?.logger ?? workersLogger(this.env.GRIPGATE_LOG))
    }
  }

  /** RPC from a `ChannelRoom`: published batches in order, for this holder's subscribers. */
  async deliver(batches: PublishItem[][]): Promise<CountedReport[]> {
    const engine = this.#engine()
    return batches.map((items) => engine.deliver(items))
  }

  /** RPC from the Worker's stats endpoint. */
  async stats(): Promise<Record<string, unknown>> {
    return this.#engine().hub.snapshot()
  }

  /** What this holder holds now. */
  describe(): HolderDescription {
    const engine = this.#engine()
    return {
      sockets: this.ctx.getWebSockets().length,
      channels: engine.registry.registered(),
      connections: { ...engine.hub.connections },
    }
  }

  /** From the Worker: a client WebSocket upgrade, or a stream hold (wire.ts says why). */
  override async fetch(request: Request): Promise<Response> {
    try {
      if (isWebSocketUpgrade(request)) return await this.#engine().sockets.upgrade(request)
      if (request.method === 'POST' && new URL(request.url).pathname === HOLD_PATH)
        return await this.#engine().hold(decodeHold(await request.text()))
      return new Response('not a holder request\n', { status: 404 })
    } catch (error) {
      return errorResponse(error, this.#runtime?.logger ?? workersLogger(this.env.GRIPGATE_LOG))
    }
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.#engine().sockets.message(ws, message)
  }

  override async webSocketClose(
    ws: WebSocket,
    code: number,
    reason: string,
    wasClean: boolean
  ): Promise<void> {
    // Answer the close frame: before the `web_socket_auto_reply_to_close` flag (on from
    // compatibility date 2026-04-07) workerd leaves that to the object.
    try {
      if (code === 1005 || code === 1006) ws.close()
      else ws.close(code, reason)
    } catch {
      // Already answered by the runtime.
    }
    this.#engine().sockets.closed(ws, code, reason, wasClean)
  }

  override async webSocketError(ws: WebSocket, _error: unknown): Promise<void> {
    this.#engine().sockets.closed(ws, undefined, '', false)
  }

  /** Timers that outlive hibernation (alarm-clock.ts). */
  override async alarm(): Promise<void> {
    this.#engine().clock.fire()
  }
}
