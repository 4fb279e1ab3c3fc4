/**
 * What the hub delivers to: one subscriber per held connection, whatever its transport.
 * @module
 */
import type { PublishItem } from '../grip/publish-item.ts'

/** The transports a held connection can use. */
export type Transport = 'stream' | 'response' | 'websocket'

/** A held connection subscribed to one or more channels. */
export interface Subscriber {
  readonly transport: Transport
  /**
   * Takes one released item on `channel`. The item's formats are already decoded and are
   * shared by every subscriber (encode once per publish): never mutate them.
   */
  deliver(item: PublishItem, channel: string): void
}
