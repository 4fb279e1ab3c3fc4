/**
 * Surrogate keys as Cloudflare cache tags. The zone purge-by-tag API removes every cached
 * object whose `Cache-Tag` (set on the Cache API `put`) names a purged tag, in every location.
 *
 * Cloudflare's rules: tags are separated by commas in `Cache-Tag`, the whole header holds at
 * most 16 KB, and the purge API takes tags of up to 1,024 characters, compared without case.
 * Surrogate keys can hold anything but spaces, so a key that is not a safe tag is sent as
 * `gg-<sha-256 hex>`; the same function maps keys on `put` and on purge, so they always meet.
 * Comparing without case only ever purges more, never less.
 * @module
 */

/** Longest `Cache-Tag` value Cloudflare keeps (16 KB, commas included). */
export const MAX_CACHE_TAG_HEADER = 16 * 1024

/** Printable ASCII without comma or space, 1 to 1,024 characters. */
const SAFE_TAG = /^[\x21-\x2b\x2d-\x7e]{1,1024}$/

/** The cache tag standing for a surrogate key. */
export async function cacheTagFor(key: string): Promise<string> {
  if (SAFE_TAG.test(key)) return key
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))
  return `gg-${[...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

/** The tags of `keys`, deduplicated, in order. */
export async function cacheTagsFor(keys: readonly string[]): Promise<string[]> {
  return [...new Set(await Promise.all(keys.map(cacheTagFor)))]
}

/**
 * The `Cache-Tag` value for `tags` and the tags left out because the header is full (those
 * entries can then only be purged in the location that stored them).
 */
export function cacheTagHeader(tags: readonly string[]): { value: string; dropped: string[] } {
  const kept: string[] = []
  const dropped: string[] = []
  let length = 0
  for (const tag of tags) {
    const added = tag.length + (kept.length > 0 ? 1 : 0)
    if (length + added > MAX_CACHE_TAG_HEADER) dropped.push(tag)
    else {
      kept.push(tag)
      length += added
    }
  }
  return { value: kept.join(','), dropped }
}
