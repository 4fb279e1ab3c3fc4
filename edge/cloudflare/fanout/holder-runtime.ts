/**
 * Everything one `ConnectionHolder` runs, built on its first event after a start or a
 * hibernation: the hub from src/ (on an alarm-backed clock), its channel registrations,
 * its sockets (rebuilt from their attachments) and its way back to the origin.
 * @module
 */
import type { CountedReport, SendToOrigin } from '../../../src/fanout.ts'
import type { PublishItem } from '../../../src/grip/publish-item.ts'
import type { HistoryLookup } from '../../../src/history/store.ts'
import { EmbeddedFanout } from '../../../src/hub/embedded-fanout.ts'
import type { Hub } from '../../../src/hub/hub.ts'
import type { Logger } from '../../../src/platform.ts'
import { workersLogger } from '../logger.ts'
import { WorkersOrigin } from '../origin.ts'
import { AlarmClock } from './alarm-clock.ts'
import { type ChannelDirectory, ChannelRegistry } from './channel-registry.ts'
import { type FanoutEnv, loadConfig } from './env.ts'
import { HibernatingSockets } from './hibernating-sockets.ts'
import { HolderTier } from './holder-tier.ts'
import { nativeHeldStreams } from './native-held-stream.ts'
import { originAgain, originSender } from './origin-link.ts'
import type { ReplayCallback } from './rpc.ts'
import { fromWire, type HoldPayload } from './wire.ts'

/** One holder's engine. */
export class HolderRuntime {
  readonly logger: Logger
  readonly clock: AlarmClock
  readonly hub: Hub
  readonly registry: ChannelRegistry
  readonly tier: HolderTier
  readonly sockets: HibernatingSockets
  readonly #send: SendToOrigin

  constructor(ctx: DurableObjectState, env: FanoutEnv) {
    const config = loadConfig(env)
    this.logger = workersLogger(env.GRIPGATE_LOG)
    this.clock = new AlarmClock(ctx.storage, this.logger)
    // Rooms keep holders by id string: the holder's own name is not known inside it.
    const self = ctx.id.toString()
    const room = (channel: string) => env.CHANNELS.get(env.CHANNELS.idFromName(channel))
    const directory: ChannelDirectory = {
      register: (channel) => room(channel).register(self),
      unregister: (channel) => room(channel).unregister(self),
    }
    this.registry = new ChannelRegistry(directory, this.logger, (channel, id) =>
      this.hub.seedLastId(channel, id)
    )
    const fanout = new EmbeddedFanout({
      clock: this.clock,
      logger: this.logger,
      limits: config.limits,
      channels: this.registry,
      streams: nativeHeldStreams,
      // The channel's room records its history (channel-room.ts); holders only read it.
      history: config.history && {
        // RPC's typing turns header tuples into string[][]; the values are the room's items.
        itemsAfter: async (channel, id) =>
          (await room(channel).historyAfter(channel, id)) as HistoryLookup,
      },
    })
    this.hub = fanout.hub
    this.tier = new HolderTier(fanout, this.registry)
    this.#send = originSender(config, new WorkersOrigin(), this.clock, this.logger)
    this.sockets = new HibernatingSockets(ctx, this.hub, this.#send, this.logger, (channel) =>
      this.registry.assumeRegistered(channel)
    )
  }

  /** Holds a client request the Worker handed over. */
  hold(payload: HoldPayload, replay?: ReplayCallback): Promise<Response> {
    const origin = originAgain(payload.request, this.#send, this.tier, replay)
    return this.tier.hold(fromWire(payload.request), payload.instruct, origin)
  }

  /** Delivers a batch from a room; channels nobody here wants any more are unregistered. */
  deliver(items: readonly PublishItem[]): CountedReport {
    const report = this.hub.publish(items)
    for (const channel of new Set(items.map((item) => item.channel)))
      if (!this.hub.hasChannel(channel)) this.registry.stale(channel)
    return report
  }
}
