/**
 * Which channels a holder is registered for at their `ChannelRoom`s. A channel is wanted
 * while the hub has a subscriber for it or a hold is about to subscribe (pinned); the
 * registry keeps each room told, one call at a time per channel, so a register and an
 * unregister for the same channel can never arrive in the wrong order.
 * @module
 */
import type { ChannelListener } from '../../../src/hub/hub.ts'
import type { Logger } from '../../../src/platform.ts'

/** How a holder reaches the rooms of its channels. */
export interface ChannelDirectory {
  /** Adds this holder to the channel's room; answers the channel's last published id. */
  register(channel: string): Promise<{ lastId?: string }>
  unregister(channel: string): Promise<void>
}

interface Entry {
  pins: number
  open: boolean
  /** What the room was last told: undefined when unknown (a failed call, a fresh object). */
  sent: boolean | undefined
  chain: Promise<void>
}

/** Keeps the rooms' holder sets in step with this holder's hub. */
export class ChannelRegistry implements ChannelListener {
  readonly #directory: ChannelDirectory
  readonly #logger: Logger
  readonly #onLastId: (channel: string, id: string) => void
  readonly #entries = new Map<string, Entry>()

  /** `onLastId` hears the last id a room knows, to seed the hub's sequencer with. */
  constructor(
    directory: ChannelDirectory,
    logger: Logger,
    onLastId: (channel: string, id: string) => void
  ) {
    this.#directory = directory
    this.#logger = logger
    this.#onLastId = onLastId
  }

  opened(channel: string): void {
    this.#entry(channel).open = true
    this.#sync(channel)
  }

  closed(channel: string): void {
    this.#entry(channel).open = false
    this.#sync(channel)
  }

  /** Wants `channels` until the returned function is called (a hold about to subscribe). */
  pin(channels: readonly string[]): () => void {
    for (const channel of channels) {
      this.#entry(channel).pins += 1
      this.#sync(channel)
    }
    let released = false
    return () => {
      if (released) return
      released = true
      for (const channel of channels) {
        this.#entry(channel).pins -= 1
        this.#sync(channel)
      }
    }
  }

  /** Resolves once every call queued so far for `channels` has completed. */
  async settled(channels: readonly string[]): Promise<void> {
    await Promise.all(channels.map((channel) => this.#entries.get(channel)?.chain))
  }

  /** Records that the room already lists this holder (sessions rebuilt after hibernation). */
  assumeRegistered(channel: string): void {
    const entry = this.#entry(channel)
    if (entry.sent === undefined) entry.sent = true
  }

  /** A publish came for `channel`: unless it is wanted, make sure the room forgets us. */
  stale(channel: string): void {
    const entry = this.#entry(channel)
    if (entry.pins === 0 && !entry.open) entry.sent = undefined
    this.#sync(channel)
  }

  /** Channels the rooms were last told this holder wants. */
  registered(): string[] {
    return [...this.#entries].filter(([, entry]) => entry.sent === true).map(([name]) => name)
  }

  #entry(channel: string): Entry {
    let entry = this.#entries.get(channel)
    if (!entry) {
      entry = { pins: 0, open: false, sent: undefined, chain: Promise.resolve() }
      this.#entries.set(channel, entry)
    }
    return entry
  }

  #sync(channel: string): void {
    const entry = this.#entry(channel)
    const chain = entry.chain.then(() => this.#step(channel, entry))
    entry.chain = chain
    chain.then(() => {
      // Forget channels nobody wants once the room knows, so the map does not grow forever.
      if (entry.chain === chain && entry.pins === 0 && !entry.open && entry.sent === false)
        this.#entries.delete(channel)
    })
  }

  async #step(channel: string, entry: Entry): Promise<void> {
    const wanted = entry.pins > 0 || entry.open
    if (entry.sent === wanted) return
    try {
      if (wanted) {
        const { lastId } = await this.#directory.register(channel)
        entry.sent = true
        if (lastId !== undefined) this.#onLastId(channel, lastId)
      } else {
        await this.#directory.unregister(channel)
        entry.sent = false
      }
    } catch (error) {
      entry.sent = undefined
      this.#logger.error('channel registration failed', {
        channel,
        wanted,
        error: String(error),
      })
    }
  }
}
