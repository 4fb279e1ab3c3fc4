import { describe, expect, it } from 'vitest'
import { FencedStore } from '../../../../edge/node/cluster/fenced-store.ts'
import { Lease } from '../../../../edge/node/cluster/lease.ts'
import { MemoryStore } from '../../../../src/cache/memory-store.ts'
import {
  CONTRACT_MAX_OBJECT_BYTES,
  runCacheStoreContract,
  storedEntry,
} from '../../../contract/cache-store.contract.ts'

const memory = () =>
  new MemoryStore({ maxBytes: 4 * 1024 * 1024, maxObjectBytes: CONTRACT_MAX_OBJECT_BYTES })

// With its lease valid, a fenced store is the store underneath.
runCacheStoreContract(
  'FencedStore (lease valid)',
  () => new FencedStore(memory, { valid: () => true })
)

const NOW = Date.UTC(2025, 0, 1)
const entry = storedEntry({ primaryKey: 'gw.test/a', surrogateKeys: ['a'] })

/** A lease on a clock the test moves. */
function leased() {
  let now = 0
  const store = new FencedStore(memory, { valid: () => false })
  const lease = new Lease(
    () => now,
    () => store.reset()
  )
  store.setLease(lease)
  return { store, lease, move: (to: number) => (now = to) }
}

describe('FencedStore', () => {
  it('answers lookupNow as lookup: nothing while fenced, else what the store underneath can', async () => {
    const { store, lease, move } = leased()
    expect(store.lookupNow('gw.test/a', NOW)).toEqual([])
    lease.renew(100)
    await store.put(entry)
    expect(store.lookupNow('gw.test/a', NOW)).toHaveLength(1)
    move(100)
    expect(store.lookupNow('gw.test/a', NOW)).toEqual([])
    const over = new FencedStore(
      () => ({
        lookup: async () => [],
        put: async () => {},
        invalidate: async () => 0,
        purge: async () => ({ purged: 0 }),
      }),
      { valid: () => true }
    )
    expect(over.lookupNow('gw.test/a', NOW)).toBeUndefined()
  })

  it('serves and stores nothing before a lease is granted', async () => {
    const { store } = leased()
    await store.put(entry)
    expect(await store.lookup('gw.test/a', NOW)).toEqual([])
    expect(store.fencedLookups).toBe(1)
  })

  it('serves while the lease is fresh and nothing once it lapsed', async () => {
    const { store, lease, move } = leased()
    lease.renew(100)
    await store.put(entry)
    expect(await store.lookup('gw.test/a', NOW)).toHaveLength(1)
    move(100)
    expect(await store.lookup('gw.test/a', NOW)).toEqual([])
    await store.put(storedEntry({ primaryKey: 'gw.test/b' }))
    expect(await store.lookup('gw.test/b', NOW)).toEqual([])
  })

  it('starts empty when a lapsed lease is granted again: purges missed meanwhile are unknown', async () => {
    const { store, lease, move } = leased()
    lease.renew(100)
    await store.put(entry)
    move(150)
    lease.renew(500)
    expect(await store.lookup('gw.test/a', NOW)).toEqual([])
  })

  it('keeps what it holds when a fresh lease is extended', async () => {
    const { store, lease, move } = leased()
    lease.renew(100)
    await store.put(entry)
    move(50)
    lease.renew(300)
    lease.renew(200)
    expect(lease.until).toBe(300)
    expect(await store.lookup('gw.test/a', NOW)).toHaveLength(1)
  })

  it('never renews into the past, and a lapse ends the lease at once', () => {
    const { lease, move } = leased()
    move(1000)
    lease.renew(999)
    expect(lease.valid()).toBe(false)
    lease.renew(2000)
    expect(lease.valid()).toBe(true)
    lease.lapse()
    expect(lease.valid()).toBe(false)
  })
})
