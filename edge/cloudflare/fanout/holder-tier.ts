/**
 * The `FanoutTier` a holder runs its holds through: the embedded hub, plus the channel
 * registrations. A hold's channels are registered at their rooms *before* it subscribes,
 * so a publish that follows the client's first byte (or a long-poll's start) reaches it.
 * @module
 */
import type { Context } from 'hono'
import { GatewayError } from '../../../src/errors.ts'
import type { CountedReport, FanoutTier, OriginAgain } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { Instruct } from '../../../src/grip/types.ts'
import type { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import type { ChannelRegistry } from './channel-registry.ts'

/** Holds on one holder. */
export class HolderTier implements FanoutTier {
  readonly #fanout: EmbeddedFanout
  readonly #registry: ChannelRegistry

  constructor(fanout: EmbeddedFanout, registry: ChannelRegistry) {
    this.#fanout = fanout
    this.#registry = registry
  }

  get maxChannels(): number {
    return this.#fanout.maxChannels
  }

  async hold(client: Request, instruct: Instruct, origin: OriginAgain): Promise<Response> {
    const channels = instruct.channels.map((channel) => channel.name)
    const unpin = this.#registry.pin(channels)
    let held: Promise<Response>
    try {
      await this.#registry.settled(channels)
      // Sessions subscribe synchronously when they start; the pin can go right after.
      held = this.#fanout.hold(client, instruct, origin)
    } finally {
      unpin()
    }
    return held
  }

  webSocket(_c: Context): Promise<Response> {
    // Upgrades reach a holder as fetch() calls (hibernating-sockets.ts), never through here.
    return Promise.reject(new GatewayError('INTERNAL', 500, 'holders take upgrades via fetch'))
  }

  publish(items: readonly PublishItem[]): Promise<CountedReport> {
    return this.#fanout.publish(items)
  }

  stats(): Promise<Record<string, unknown>> {
    return this.#fanout.stats()
  }

  shutdown(): void {
    this.#fanout.shutdown()
  }
}
