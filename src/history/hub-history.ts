/**
 * The history a hub in this process records to and resumes from: a `MemoryHistoryStore`
 * under the config's policy (Node's embedded tier).
 * @module
 */
import type { HistoryConfig } from '../config/types.ts'
import type { HubHistory } from '../hub/hub.ts'
import type { Clock } from '../platform.ts'
import { MemoryHistoryStore } from './memory-store.ts'
import { historyPolicy } from './policy.ts'

/** A hub history in memory; undefined when the config has no `history` section. */
export function memoryHubHistory(
  config: HistoryConfig | undefined,
  clock: Clock
): HubHistory | undefined {
  if (!config) return undefined
  const store = new MemoryHistoryStore({
    clock,
    policy: historyPolicy(config),
    maxChannels: config.maxChannels,
  })
  return {
    record: (item) => store.appendNow(item),
    itemsAfter: (channel, id) => store.itemsAfter(channel, id),
    snapshot: () => store.snapshot(),
  }
}
