/**
 * The fanout tier in this process: the hub and its sessions (the Node default, and what a
 * Durable Object runs inside on Cloudflare).
 * @module
 */
import type { Context } from 'hono'
import type { LimitsConfig } from '../config/types.ts'
import { GatewayError } from '../errors.ts'
import type { CountedReport, FanoutTier, OriginAgain, SendToOrigin } from '../fanout.ts'
import type { PublishItem } from '../grip/publish-item.ts'
import type { Instruct } from '../grip/types.ts'
import type { HeldStreamOpener } from '../held-stream.ts'
import type { Clock, Logger } from '../platform.ts'
import type { WebSocketAcceptor } from '../ws-socket.ts'
import { type ChannelListener, Hub, type HubHistory } from './hub.ts'
import { ResponseSession } from './response-session.ts'
import { StreamSession } from './stream-session.ts'
import { proxyWebSocket } from './ws-proxy.ts'

export interface EmbeddedFanoutDeps {
  clock: Clock
  logger: Logger
  limits: LimitsConfig
  websocket?: WebSocketAcceptor
  /** Writes held streams to the platform's sockets; absent means web streams. */
  streams?: HeldStreamOpener
  /** Told when the hub opens or closes a channel (see `ChannelListener`). */
  channels?: ChannelListener
  /** The channel history subscribers resume from (issue #15); absent: none. */
  history?: HubHistory
}

/** A `FanoutTier` over an in-process hub. */
export class EmbeddedFanout implements FanoutTier {
  readonly hub: Hub
  readonly #websocket: WebSocketAcceptor | undefined
  readonly #streams: HeldStreamOpener | undefined

  constructor(deps: EmbeddedFanoutDeps) {
    this.hub = new Hub(deps)
    this.#websocket = deps.websocket
    this.#streams = deps.streams
  }

  get maxChannels(): number {
    return this.hub.limits.subscriptionsPerConnection
  }

  async hold(client: Request, instruct: Instruct, origin: OriginAgain): Promise<Response> {
    const transport = instruct.hold === 'response' ? 'response' : 'stream'
    if (!this.hub.openConnection(transport)) {
      throw new GatewayError(
        'CONNECTION_LIMIT',
        503,
        `the gateway holds ${this.hub.limits.maxConnections} connections already`,
        { headers: { 'retry-after': '5' } }
      )
    }
    if (instruct.hold === 'response') {
      return new ResponseSession(this.hub, instruct, origin, client.method, client.signal).start()
    }
    return new StreamSession(this.hub, instruct, origin, client).start(client, this.#streams)
  }

  webSocket(c: Context, send: SendToOrigin): Promise<Response> {
    return proxyWebSocket(c, send, this.hub, this.#websocket)
  }

  async publish(items: readonly PublishItem[]): Promise<CountedReport> {
    return this.hub.publish(items)
  }

  async stats(): Promise<Record<string, unknown>> {
    return this.hub.snapshot()
  }

  shutdown(): void {
    this.hub.shutdown()
  }
}
