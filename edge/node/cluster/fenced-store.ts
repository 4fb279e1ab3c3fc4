/**
 * A `CacheStore` that serves only while this node's cache lease is fresh (lease.ts). While
 * it is not, lookups find nothing and nothing is stored, so a node that may have missed a
 * purge never answers from content it can no longer vouch for; when the lease is granted
 * again the store starts empty (`reset`), since the purges missed meanwhile cannot be named.
 * Purges and invalidations always reach the store underneath.
 * @module
 */
import type {
  CacheStore,
  PurgeResult,
  StoredResponse,
  StoreUsage,
} from '../../../src/cache/store.ts'

/** Whether the cache may be served now. */
export interface CacheLease {
  valid(): boolean
}

export class FencedStore implements CacheStore {
  readonly #make: () => CacheStore
  #lease: CacheLease
  #store: CacheStore
  /** Lookups refused while fenced (for the stats page). */
  fencedLookups = 0

  constructor(make: () => CacheStore, lease: CacheLease) {
    this.#make = make
    this.#lease = lease
    this.#store = make()
  }

  /** Sets the lease later (the lease needs the store to reset, the store needs the lease). */
  setLease(lease: CacheLease): void {
    this.#lease = lease
  }

  /** Drops everything stored: the next lookups miss. */
  reset(): void {
    this.#store = this.#make()
  }

  async lookup(primaryKey: string, now: number): Promise<StoredResponse[]> {
    if (!this.#lease.valid()) {
      this.fencedLookups += 1
      return []
    }
    return this.#store.lookup(primaryKey, now)
  }

  lookupNow(primaryKey: string, now: number): StoredResponse[] | undefined {
    if (!this.#lease.valid()) {
      this.fencedLookups += 1
      return []
    }
    return this.#store.lookupNow?.(primaryKey, now)
  }

  async put(entry: StoredResponse): Promise<void> {
    if (this.#lease.valid()) await this.#store.put(entry)
  }

  invalidate(primaryKey: string): Promise<number> {
    return this.#store.invalidate(primaryKey)
  }

  purge(keys: readonly string[], soft: boolean): Promise<PurgeResult> {
    return this.#store.purge(keys, soft)
  }

  usage(): StoreUsage {
    return this.#store.usage?.() ?? { bytes: 0, objects: 0 }
  }
}
