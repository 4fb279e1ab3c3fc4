/**
 * Which history bounds apply to a channel: the config's defaults, overridden per channel by
 * an exact name or, failing that, the longest matching `prefix*` pattern.
 * @module
 */
import type { HistoryConfig } from '../config/types.ts'
import type { HistoryBounds, HistoryPolicy } from './store.ts'

/** Builds the policy of a `history` config section; channels with size 0 keep nothing. */
export function historyPolicy(config: HistoryConfig): HistoryPolicy {
  const exact = new Map<string, HistoryBounds>()
  const prefixes: [string, HistoryBounds][] = []
  const bounds = (size?: number, ttlSeconds?: number): HistoryBounds => ({
    size: size ?? config.size,
    ttlMs: (ttlSeconds ?? config.ttlSeconds) * 1000,
  })
  for (const [pattern, override] of Object.entries(config.channels)) {
    const value = bounds(override.size, override.ttlSeconds)
    if (pattern.endsWith('*')) prefixes.push([pattern.slice(0, -1), value])
    else exact.set(pattern, value)
  }
  // Longest prefix first, so `chat-vip-*` wins over `chat-*`.
  prefixes.sort((a, b) => b[0].length - a[0].length)
  const fallback = bounds()
  // Channels are many and publishes frequent: remember each channel's answer (bounded).
  const memo = new Map<string, HistoryBounds | undefined>()
  return (channel) => {
    if (memo.has(channel)) return memo.get(channel)
    let found = exact.get(channel)
    if (!found) found = prefixes.find(([prefix]) => channel.startsWith(prefix))?.[1]
    const value = found ?? fallback
    const result = value.size > 0 && value.ttlMs > 0 ? value : undefined
    if (memo.size >= MEMO_LIMIT) memo.clear()
    memo.set(channel, result)
    return result
  }
}

const MEMO_LIMIT = 10_000
