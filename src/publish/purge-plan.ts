/**
 * Which surrogate keys a publish purges (ARCHITECTURE.md, "Consistency contract" 2): by
 * default the channel name itself, plus keys the config maps the channel to, plus keys the
 * item names in its `purge` extension field (which GRIP libraries pass through and Pushpin
 * ignores).
 * @module
 */
import type { PublishPurgeConfig } from '../config/types.ts'
import type { PublishItem } from '../grip/publish-item.ts'

/** Keys to purge, by mode. A key asked for both ways is purged hard. */
export interface PurgePlan {
  hard: string[]
  soft: string[]
}

/** The keys a channel maps to in the config: exact names, then `prefix*` patterns. */
export function mappedKeys(channel: string, keys: Record<string, string[]>): string[] {
  const out: string[] = []
  for (const [pattern, mapped] of Object.entries(keys)) {
    const matches = pattern.endsWith('*')
      ? channel.startsWith(pattern.slice(0, -1))
      : pattern === channel
    if (matches) out.push(...mapped)
  }
  return out
}

/** Plans the purge for a batch of items. */
export function planPurge(items: readonly PublishItem[], config: PublishPurgeConfig): PurgePlan {
  const hard = new Set<string>()
  const soft = new Set<string>()
  for (const item of items) {
    const mode = item.purgeMode ?? (config.soft ? 'soft' : 'hard')
    const target = mode === 'soft' ? soft : hard
    if (config.channels) target.add(item.channel)
    for (const key of mappedKeys(item.channel, config.keys)) target.add(key)
    for (const key of item.purge ?? []) target.add(key)
  }
  for (const key of hard) soft.delete(key)
  return { hard: [...hard], soft: [...soft] }
}
