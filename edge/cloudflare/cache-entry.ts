/**
 * How a `StoredResponse` lives in the Cache API: one cache entry per variant, whose body
 * frames the entry's metadata (JSON) and the response body together, plus one entry per
 * resource listing its variants. Both under synthetic URLs on the resource's own host.
 *
 * Why one framed entry rather than metadata in headers or in a second entry: a single
 * `match` reads it, a single `put` writes it (no torn pairs across isolates), and the origin's
 * headers never meet the Cache API's own rules (it refuses `Set-Cookie`, rewrites `Age`…).
 * Why the resource's host: Cache API entries belong to the zone of the Worker's route, so
 * "purge by hostname" and "purge everything" clear them too, and no URL can escape the zone.
 * @module
 */
import type { StoredResponse } from '../../src/cache/store.ts'

/** Bumped when the framing changes; entries of another version read as misses. */
const FORMAT_VERSION = 1
/** 1 byte version + 4 bytes metadata length (big-endian). */
const HEADER_BYTES = 5

/** Where the pieces of one resource live in the cache. */
export interface EntryUrls {
  /** The list of the resource's variants. */
  list: string
  /** The framed entry of one variant. */
  variant: string
}

/** One variant as its resource's list records it. */
export interface VariantRef {
  variantKey: string
  url: string
  /** `usefulUntil` of the entry. */
  until: number
  /** Whether the tag index knows the entry (it carried surrogate keys). */
  tagged: boolean
}

/** The variants of one resource, newest put first. */
export interface VariantList {
  variants: VariantRef[]
}

/** Synthetic URL of the variant list of `primaryKey`. */
export async function listUrl(namespace: string, primaryKey: string): Promise<string> {
  return syntheticUrl(namespace, primaryKey, 'p', primaryKey)
}

/**
 * Synthetic URL of the variant `variantKey` of `primaryKey`; with `copy`, of one stored copy
 * of it. Every put writes a new copy, which nothing reads until the variant list names it:
 * so a copy the tag index refuses (a purge came first) is never seen (cache-store.ts).
 */
export async function variantUrl(
  namespace: string,
  primaryKey: string,
  variantKey: string,
  copy?: string
): Promise<string> {
  const url = await syntheticUrl(namespace, primaryKey, 'v', variantKey)
  return copy === undefined ? url : `${url}/${encodeURIComponent(copy)}`
}

/** Frames an entry: version, metadata length, metadata JSON, body. */
export function encodeEntry(entry: StoredResponse): Uint8Array {
  const { body, ...meta } = entry
  const json = new TextEncoder().encode(JSON.stringify(meta))
  const out = new Uint8Array(HEADER_BYTES + json.byteLength + body.byteLength)
  const view = new DataView(out.buffer)
  view.setUint8(0, FORMAT_VERSION)
  view.setUint32(1, json.byteLength)
  out.set(json, HEADER_BYTES)
  out.set(body, HEADER_BYTES + json.byteLength)
  return out
}

/** Reads a framed entry; `undefined` for anything this version did not write. */
export function decodeEntry(bytes: Uint8Array): StoredResponse | undefined {
  if (bytes.byteLength < HEADER_BYTES) return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint8(0) !== FORMAT_VERSION) return undefined
  const end = HEADER_BYTES + view.getUint32(1)
  if (end > bytes.byteLength) return undefined
  try {
    const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_BYTES, end)))
    return { ...meta, body: bytes.slice(end) } as StoredResponse
  } catch {
    return undefined
  }
}

/** Parses a variant list read from the cache; anything unexpected is an empty list. */
export function parseVariantList(text: string): VariantList {
  try {
    const parsed = JSON.parse(text) as VariantList
    return Array.isArray(parsed?.variants) ? parsed : { variants: [] }
  } catch {
    return { variants: [] }
  }
}

/**
 * `https://<host>/_gripgate/cache/<namespace>/<kind>/<sha-256 of key>`. Hashing keeps URLs
 * short and free of the request's own characters (Vary values can be long). The port is
 * dropped: a cache key on another port of the zone would not be the zone's.
 */
async function syntheticUrl(
  namespace: string,
  primaryKey: string,
  kind: 'p' | 'v',
  key: string
): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `https://${hostOf(primaryKey)}/_gripgate/cache/${encodeURIComponent(namespace)}/${kind}/${hex}`
}

/** The host name of a primary key (`host[:port]/path?query`), or a placeholder if unusable. */
function hostOf(primaryKey: string): string {
  const end = primaryKey.search(/[/?]/)
  const authority = end === -1 ? primaryKey : primaryKey.slice(0, end)
  try {
    return new URL(`https://${authority}`).hostname || 'gripgate.invalid'
  } catch {
    return 'gripgate.invalid'
  }
}
