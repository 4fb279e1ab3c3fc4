/**
 * Surrogate keys tie stored objects to what they depend on, so one purge finds them all.
 * Fastly's `Surrogate-Key` is space separated; Cloudflare's `Cache-Tag` comma separated.
 * @module
 */

import { parseHeaderList } from '../grip/header-params.ts'

/** Response fields that carry surrogate keys; the edge consumes them, clients never see them. */
export const SURROGATE_KEY_FIELDS = ['surrogate-key', 'cache-tag'] as const

/** Reads every surrogate key of a response (deduplicated, order kept) plus extra keys. */
export function surrogateKeysOf(headers: Headers, extra: readonly string[] = []): string[] {
  const keys = new Set<string>()
  for (const key of (headers.get('surrogate-key') ?? '').split(/\s+/)) if (key) keys.add(key)
  for (const key of (headers.get('cache-tag') ?? '').split(',')) {
    const trimmed = key.trim()
    if (trimmed) keys.add(trimmed)
  }
  for (const key of extra) keys.add(key)
  return [...keys]
}

/** The channel names of a GRIP response's `Grip-Channel` field (GRIP.md §3.2), if any. */
export function gripChannelsOf(headers: Headers): string[] {
  return parseHeaderList(headers.get('grip-channel'))
    .map((element) => element.value)
    .filter((name) => name.length > 0)
}
