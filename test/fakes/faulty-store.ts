/**
 * A `MemoryStore` whose writes can be made to fail, as a Cache API or a network store's may:
 * for the paths that must carry on without the store.
 * @module
 */
import { MemoryStore } from '../../src/cache/memory-store.ts'
import type { StoredResponse } from '../../src/cache/store.ts'

/** Healthy until `failPuts` is set; then every `put` rejects and stores nothing. */
export class FaultyStore extends MemoryStore {
  failPuts = false
  /** `put` calls refused so far. */
  refusedPuts = 0

  override put(entry: StoredResponse): Promise<void> {
    if (!this.failPuts) return super.put(entry)
    this.refusedPuts += 1
    return Promise.reject(new Error('store unavailable'))
  }
}
