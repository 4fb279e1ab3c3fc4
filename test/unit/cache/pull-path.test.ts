/**
 * The core's cache as a pull path (`storePullPath`): its purger passes the shared Purger
 * contract, counting the objects each purge covered.
 */
import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../../src/cache/memory-store.ts'
import { PullCache } from '../../../src/cache/pull-cache.ts'
import { storePullPath } from '../../../src/cache/pull-path.ts'
import type { PurgeResult } from '../../../src/cache/store.ts'
import { storedEntry } from '../../contract/cache-store.contract.ts'
import { runPurgerContract } from '../../contract/purger.contract.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'

/** A memory store that records the keys it is asked to purge and refuses some. */
class RefusingStore extends MemoryStore {
  readonly refused = new Set<string>()
  readonly reached: string[] = []
  override async purge(keys: readonly string[], soft: boolean): Promise<PurgeResult> {
    this.reached.push(...keys)
    const bad = keys.find((key) => this.refused.has(key))
    if (bad !== undefined) throw new Error(`store refused ${bad}`)
    return super.purge(keys, soft)
  }
}

function pullPathOver(store: MemoryStore) {
  const cache = new PullCache({
    store,
    clock: new FakeClock(),
    logger: new CaptureLogger(),
    waitUntil: () => {},
    maxObjectBytes: 1 << 20,
  })
  return storePullPath(cache)
}

runPurgerContract('storePullPath (PullCache over a store)', {
  softPurges: true,
  counts: true,
  make: () => {
    const store = new RefusingStore({ maxBytes: 1 << 22, maxObjectBytes: 1 << 20 })
    return {
      purger: pullPathOver(store).purger,
      refuse: (key) => store.refused.add(key),
      reached: () => store.reached,
    }
  },
})

describe('storePullPath', () => {
  it('counts the stored objects a purge covered, and shows the cache counters', async () => {
    const store = new MemoryStore({ maxBytes: 1 << 22, maxObjectBytes: 1 << 20 })
    await store.put(storedEntry({ variantKey: 'a', primaryKey: 'a', surrogateKeys: ['k'] }))
    await store.put(storedEntry({ variantKey: 'b', primaryKey: 'b', surrogateKeys: ['k'] }))
    const path = pullPathOver(store)
    expect(await path.purger.purge(['k'], false)).toEqual({
      soft: false,
      purged: ['k'],
      failed: [],
      objects: 2,
    })
    expect(path.stats()).toMatchObject({ purges: 1, purgedObjects: 2 })
  })
})
