/**
 * In-memory `CacheStore`: an LRU bounded by bytes, with a surrogate-key index.
 * The embedded default on Node, and the fake every unit test uses.
 * @module
 */
import {
  type CacheStore,
  entrySize,
  type PurgeResult,
  type StoredResponse,
  type StoreUsage,
} from './store.ts'

/** Limits of a memory store. */
export interface MemoryStoreOptions {
  /** Total bytes held; least recently used entries are evicted beyond it. */
  maxBytes: number
  /** Entries larger than this are never stored. */
  maxObjectBytes: number
}

/** A byte-bounded LRU of stored responses. */
export class MemoryStore implements CacheStore {
  /** Map iteration order is insertion order: re-inserting on use makes it an LRU. */
  readonly #entries = new Map<string, StoredResponse>()
  readonly #byPrimary = new Map<string, Set<string>>()
  readonly #byTag = new Map<string, Set<string>>()
  readonly #options: MemoryStoreOptions
  #bytes = 0

  constructor(options: MemoryStoreOptions) {
    this.#options = options
  }

  /** Bytes currently held. */
  get bytes(): number {
    return this.#bytes
  }

  /** Number of stored variants. */
  get size(): number {
    return this.#entries.size
  }

  usage(): StoreUsage {
    return { bytes: this.#bytes, objects: this.#entries.size }
  }

  lookup(primaryKey: string, now: number): Promise<StoredResponse[]> {
    return Promise.resolve(this.lookupNow(primaryKey, now))
  }

  lookupNow(primaryKey: string, now: number): StoredResponse[] {
    const variants = this.#byPrimary.get(primaryKey)
    if (!variants) return []
    const found: StoredResponse[] = []
    // A Set may lose the element being visited (an expired variant) without disturbing the
    // iteration; an emptied set leaves the index but not this loop.
    for (const variantKey of variants) {
      const entry = this.#entries.get(variantKey)
      if (!entry) continue
      if (entry.usefulUntil <= now) {
        this.#remove(variantKey)
        continue
      }
      this.#entries.delete(variantKey)
      this.#entries.set(variantKey, entry)
      found.push(entry)
    }
    return found.length > 1 ? found.sort((a, b) => b.policy.t - a.policy.t) : found
  }

  async put(entry: StoredResponse): Promise<void> {
    const size = entrySize(entry)
    if (size > this.#options.maxObjectBytes || size > this.#options.maxBytes) return
    this.#remove(entry.variantKey)
    this.#entries.set(entry.variantKey, entry)
    this.#bytes += size
    addTo(this.#byPrimary, entry.primaryKey, entry.variantKey)
    for (const key of entry.surrogateKeys) addTo(this.#byTag, key, entry.variantKey)
    this.#evict()
  }

  async invalidate(primaryKey: string): Promise<number> {
    const variants = [...(this.#byPrimary.get(primaryKey) ?? [])]
    for (const variantKey of variants) this.#remove(variantKey)
    return variants.length
  }

  async purge(keys: readonly string[], soft: boolean): Promise<PurgeResult> {
    const targets = new Set<string>()
    for (const key of keys)
      for (const variantKey of this.#byTag.get(key) ?? []) targets.add(variantKey)
    for (const variantKey of targets) {
      const entry = this.#entries.get(variantKey)
      if (!entry) continue
      if (soft) entry.softPurged = true
      else this.#remove(variantKey)
    }
    return { purged: targets.size }
  }

  #evict(): void {
    for (const variantKey of this.#entries.keys()) {
      if (this.#bytes <= this.#options.maxBytes) return
      this.#remove(variantKey)
    }
  }

  #remove(variantKey: string): void {
    const entry = this.#entries.get(variantKey)
    if (!entry) return
    this.#entries.delete(variantKey)
    this.#bytes -= entrySize(entry)
    removeFrom(this.#byPrimary, entry.primaryKey, variantKey)
    for (const key of entry.surrogateKeys) removeFrom(this.#byTag, key, variantKey)
  }
}

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key)
  if (set) set.add(value)
  else index.set(key, new Set([value]))
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key)
  if (!set) return
  set.delete(value)
  if (set.size === 0) index.delete(key)
}
