/**
 * The `CacheStore` seam: where stored responses live (a bounded in-memory LRU on Node,
 * the Cache API plus an index on Cloudflare). Decisions stay in the core; a store only
 * keeps, finds, evicts and purges.
 * @module
 */
import type CachePolicy from 'http-cache-semantics'
import type { HeaderPairs } from '../http/headers.ts'

/** One stored variant of a response. */
export interface StoredResponse {
  /** Method-independent key of the resource: `host` + path + query. */
  primaryKey: string
  /** `primaryKey` plus the request's values of the fields its `Vary` names. */
  variantKey: string
  status: number
  /** Origin headers without hop-by-hop fields; edge-only fields are removed when served. */
  headers: HeaderPairs
  body: Uint8Array
  /** The RFC 9111 state (http-cache-semantics) over the edge view of the headers. */
  policy: CachePolicy.CachePolicyObject
  mustRevalidate: boolean
  staleIfError: number
  /** May answer stale when the origin is unreachable (RFC 9111 §4.2.4). */
  staleWhenDisconnected: boolean
  surrogateKeys: string[]
  /** Set by a soft purge: still usable stale, but must be revalidated first. */
  softPurged: boolean
  /** Epoch ms after which the entry is of no use at all (fresh + stale windows). */
  usefulUntil: number
}

/** What a purge did. */
export interface PurgeResult {
  /** Stored variants removed (hard) or marked stale (soft). */
  purged: number
}

/** What a store holds now (the metrics' `gripgate_cache_bytes` and `_objects`). */
export interface StoreUsage {
  bytes: number
  objects: number
}

/**
 * A store's own purge fence, for stores shared by many processes (the Cache API store on
 * Workers): a number taken when an origin fetch begins and handed back with that fetch's
 * `put`. The store refuses the put when one of the entry's keys was purged after the mark,
 * wherever that purge was handled (docs/cloudflare.md). The core's `PurgeFence` covers only
 * the purges its own process handled.
 */
export type FillMark = number

/**
 * Every implementation passes test/contract/cache-store.contract.ts.
 * Implementations bound their memory and may evict at any time.
 */
export interface CacheStore {
  /** Every usable variant stored for `primaryKey`, most recently stored first. */
  lookup(primaryKey: string, now: number): Promise<StoredResponse[]>
  /**
   * Optional: `lookup` answered at once, for a store that holds its entries in this
   * process's memory; undefined when it cannot answer without waiting (then `lookup` must).
   * The Node front door answers a cache hit without a promise hop through it.
   */
  lookupNow?(primaryKey: string, now: number): StoredResponse[] | undefined
  /**
   * Stores a variant, replacing one with the same `variantKey`. Too-large entries are dropped,
   * and so are entries whose `mark` (from `beginFill`) predates a purge of one of their keys.
   * Resolves once the entry is visible to every later lookup and purge, or never will be.
   */
  put(entry: StoredResponse, mark?: FillMark): Promise<void>
  /**
   * Optional: a fence mark for an origin fetch about to begin (see `FillMark`). Never
   * rejects; a store that cannot tell answers a mark that refuses every purged key.
   */
  beginFill?(): Promise<FillMark>
  /** Removes every variant of `primaryKey` (unsafe-method invalidation, RFC 9111 §4.4). */
  invalidate(primaryKey: string): Promise<number>
  /** Removes (hard) or marks stale (soft) every variant tagged with any of `keys`. */
  purge(keys: readonly string[], soft: boolean): Promise<PurgeResult>
  /** What the store holds now; absent where the platform cannot tell (the Cache API). */
  usage?(): StoreUsage
}

/** Approximate memory an entry holds, for byte-bounded stores. */
export function entrySize(entry: StoredResponse): number {
  let size = 512 + entry.body.byteLength + entry.variantKey.length * 2
  for (const [name, value] of entry.headers) size += (name.length + value.length) * 2
  for (const key of entry.surrogateKeys) size += key.length * 2
  return size
}
