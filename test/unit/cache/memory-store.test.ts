import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../../../src/cache/memory-store.ts'
import { entrySize } from '../../../src/cache/store.ts'
import {
  CONTRACT_MAX_OBJECT_BYTES,
  runCacheStoreContract,
  storedEntry,
} from '../../contract/cache-store.contract.ts'

const NOW = Date.UTC(2025, 0, 1)

runCacheStoreContract(
  'MemoryStore',
  () => new MemoryStore({ maxBytes: 4 * 1024 * 1024, maxObjectBytes: CONTRACT_MAX_OBJECT_BYTES })
)

/** An entry for `gw.test/<name>` with a 1000-byte body. */
const sized = (name: string, keys: string[] = []) =>
  storedEntry({ primaryKey: `gw.test/${name}`, body: new Uint8Array(1000), surrogateKeys: keys })

const ONE = entrySize(sized('a'))

/** A store with room for exactly `n` entries built by `sized`. */
const storeFor = (n: number) => new MemoryStore({ maxBytes: n * ONE, maxObjectBytes: 10 * ONE })

const names = async (store: MemoryStore, candidates: string[]) => {
  const found: string[] = []
  for (const name of candidates) {
    if ((await store.lookup(`gw.test/${name}`, NOW)).length > 0) found.push(name)
  }
  return found
}

describe('MemoryStore byte accounting', () => {
  it('counts the entry size of what it holds', async () => {
    const store = storeFor(3)
    expect(store.bytes).toBe(0)
    await store.put(sized('a'))
    await store.put(sized('b'))
    expect(store.bytes).toBe(2 * ONE)
    expect(store.size).toBe(2)
  })

  it('does not count a replaced variant twice', async () => {
    const store = storeFor(3)
    await store.put(sized('a'))
    await store.put(sized('a'))
    expect(store.bytes).toBe(ONE)
    expect(store.size).toBe(1)
  })

  it('gives the bytes back on invalidate, purge and expiry', async () => {
    const store = storeFor(3)
    await store.put(sized('a'))
    await store.put(sized('b', ['k']))
    await store.put(storedEntry({ ...sized('c'), usefulUntil: NOW + 1 }))
    await store.invalidate('gw.test/a')
    expect(store.bytes).toBe(entrySize(sized('b', ['k'])) + ONE)
    await store.purge(['k'], false)
    expect(store.bytes).toBe(ONE)
    await store.lookup('gw.test/c', NOW + 1)
    expect(store.bytes).toBe(0)
    expect(store.size).toBe(0)
  })

  it('keeps the bytes of a soft-purged entry', async () => {
    const store = storeFor(3)
    await store.put(sized('a', ['k']))
    await store.purge(['k'], true)
    expect(store.bytes).toBe(entrySize(sized('a', ['k'])))
  })
})

describe('MemoryStore LRU eviction by bytes', () => {
  it('evicts the least recently stored entry once full', async () => {
    const store = storeFor(2)
    await store.put(sized('a'))
    await store.put(sized('b'))
    await store.put(sized('c'))
    expect(await names(store, ['a', 'b', 'c'])).toEqual(['b', 'c'])
    expect(store.bytes).toBe(2 * ONE)
  })

  it('treats a lookup as a use', async () => {
    const store = storeFor(2)
    await store.put(sized('a'))
    await store.put(sized('b'))
    await store.lookup('gw.test/a', NOW)
    await store.put(sized('c'))
    expect(await names(store, ['a', 'b', 'c'])).toEqual(['a', 'c'])
  })

  it('treats a replacing put as a use', async () => {
    const store = storeFor(2)
    await store.put(sized('a'))
    await store.put(sized('b'))
    await store.put(sized('a'))
    await store.put(sized('c'))
    expect(await names(store, ['a', 'b', 'c'])).toEqual(['a', 'c'])
  })

  it('evicts as many old entries as a large new one needs', async () => {
    const store = new MemoryStore({ maxBytes: 3 * ONE, maxObjectBytes: 10 * ONE })
    await store.put(sized('a'))
    await store.put(sized('b'))
    await store.put(sized('c'))
    const big = storedEntry({ primaryKey: 'gw.test/big', body: new Uint8Array(1500) })
    expect(entrySize(big)).toBeGreaterThan(ONE)
    expect(entrySize(big)).toBeLessThan(2 * ONE)
    await store.put(big)
    expect(await names(store, ['a', 'b', 'c', 'big'])).toEqual(['c', 'big'])
    expect(store.bytes).toBe(ONE + entrySize(big))
  })

  it('forgets the surrogate keys of an evicted entry', async () => {
    const tagged = sized('a', ['k'])
    const store = new MemoryStore({ maxBytes: entrySize(tagged) + ONE, maxObjectBytes: 10 * ONE })
    await store.put(tagged)
    await store.put(sized('b'))
    expect(store.size).toBe(2)
    await store.put(sized('c'))
    expect(await names(store, ['a', 'b', 'c'])).toEqual(['b', 'c'])
    expect(await store.purge(['k'], false)).toEqual({ purged: 0 })
    expect(await store.invalidate('gw.test/a')).toBe(0)
  })

  it('refuses an entry larger than the whole store, keeping what it has', async () => {
    const store = new MemoryStore({ maxBytes: 2 * ONE, maxObjectBytes: 100 * ONE })
    await store.put(sized('a'))
    await store.put(storedEntry({ primaryKey: 'gw.test/huge', body: new Uint8Array(3 * ONE) }))
    expect(await names(store, ['a', 'huge'])).toEqual(['a'])
    expect(store.bytes).toBe(ONE)
  })

  it('measures the object limit on the entry size, not the body alone', async () => {
    const store = new MemoryStore({ maxBytes: 10 * ONE, maxObjectBytes: ONE - 1 })
    await store.put(sized('a'))
    expect(store.size).toBe(0)
  })
})
