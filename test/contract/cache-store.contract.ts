/**
 * The `CacheStore` contract: every implementation (the memory store, the Cloudflare and
 * Fastly stores) runs this suite from its own test file. Never run directly: the name
 * does not match vitest's include pattern.
 * @module
 */
import { beforeEach, describe, expect, it } from 'vitest'
import type { CacheStore, StoredResponse } from '../../src/cache/store.ts'

/**
 * `make` must return an empty store that holds at least 1 MiB in total and refuses
 * entries larger than this many bytes (body included).
 */
export const CONTRACT_MAX_OBJECT_BYTES = 64 * 1024

/** A fixed "now" for the suite; stores compare it with `usefulUntil` only. */
const NOW = Date.UTC(2025, 0, 1)

/** Builds a stored entry; `t` orders entries (the policy's response time). */
export function storedEntry(fields: Partial<StoredResponse> & { t?: number } = {}): StoredResponse {
  const { t = NOW, ...rest } = fields
  const primaryKey = rest.primaryKey ?? 'gw.test/a'
  return {
    primaryKey,
    variantKey: `${primaryKey}\n`,
    status: 200,
    headers: [
      ['content-type', 'text/plain'],
      ['etag', '"v1"'],
    ],
    body: new TextEncoder().encode('hello'),
    policy: { v: 1, t, st: 200, resh: { 'content-type': 'text/plain', etag: '"v1"' } },
    mustRevalidate: false,
    staleIfError: 0,
    staleWhenDisconnected: true,
    surrogateKeys: [],
    softPurged: false,
    usefulUntil: NOW + 60_000,
    ...rest,
  }
}

const text = (entry: StoredResponse) => new TextDecoder().decode(entry.body)

/**
 * `store` with every lookup also asked of `lookupNow`, when the store offers it, which must
 * find the same variants (or answer undefined): the whole suite then holds for both.
 */
function checkingLookupNow(store: CacheStore): CacheStore {
  const lookupNow = store.lookupNow?.bind(store)
  if (!lookupNow) return store
  return new Proxy(store, {
    get(target, property) {
      if (property === 'lookup') {
        return async (primaryKey: string, now: number) => {
          const quick = lookupNow(primaryKey, now)
          const found = await target.lookup(primaryKey, now)
          if (quick) expect(quick).toEqual(found)
          return found
        }
      }
      const value: unknown = Reflect.get(target, property)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** Runs the shared `CacheStore` contract against stores built by `make`. */
export function runCacheStoreContract(name: string, make: () => CacheStore): void {
  describe(`CacheStore contract: ${name}`, () => {
    let store: CacheStore
    beforeEach(() => {
      store = checkingLookupNow(make())
    })

    describe('lookup and put', () => {
      it('finds nothing for an unknown key', async () => {
        expect(await store.lookup('gw.test/none', NOW)).toEqual([])
      })

      it('returns what was put, field for field', async () => {
        const entry = storedEntry({ surrogateKeys: ['k1', 'k2'], staleIfError: 30 })
        await store.put(entry)
        const [found, ...more] = await store.lookup('gw.test/a', NOW)
        expect(more).toEqual([])
        expect(found?.primaryKey).toBe('gw.test/a')
        expect(found?.variantKey).toBe('gw.test/a\n')
        expect(found?.status).toBe(200)
        expect(found?.headers).toEqual([
          ['content-type', 'text/plain'],
          ['etag', '"v1"'],
        ])
        expect(text(found!)).toBe('hello')
        expect(found?.policy).toEqual(entry.policy)
        expect(found?.surrogateKeys).toEqual(['k1', 'k2'])
        expect(found?.staleIfError).toBe(30)
        expect(found?.mustRevalidate).toBe(false)
        expect(found?.softPurged).toBe(false)
        expect(found?.usefulUntil).toBe(NOW + 60_000)
      })

      it('keeps primary keys apart', async () => {
        await store.put(storedEntry({ primaryKey: 'gw.test/a' }))
        await store.put(storedEntry({ primaryKey: 'gw.test/b', body: new Uint8Array([66]) }))
        const a = await store.lookup('gw.test/a', NOW)
        const b = await store.lookup('gw.test/b', NOW)
        expect(a.map(text)).toEqual(['hello'])
        expect(b.map(text)).toEqual(['B'])
      })

      it('replaces the variant with the same variantKey', async () => {
        await store.put(storedEntry({ t: NOW }))
        await store.put(storedEntry({ t: NOW + 1000, body: new TextEncoder().encode('v2') }))
        const found = await store.lookup('gw.test/a', NOW + 1000)
        expect(found.map(text)).toEqual(['v2'])
        expect(await store.invalidate('gw.test/a')).toBe(1)
      })

      it('keeps other variants of the same resource side by side, newest first', async () => {
        const variant = (lang: string, t: number) =>
          storedEntry({
            variantKey: `gw.test/a\naccept-language:${lang}`,
            body: new TextEncoder().encode(lang),
            t,
          })
        await store.put(variant('fr', NOW + 2000))
        await store.put(variant('en', NOW + 1000))
        await store.put(variant('de', NOW + 3000))
        const found = await store.lookup('gw.test/a', NOW + 3000)
        expect(found.map(text)).toEqual(['de', 'fr', 'en'])
      })

      it('drops an entry once now reaches usefulUntil', async () => {
        await store.put(storedEntry({ usefulUntil: NOW + 5000 }))
        expect((await store.lookup('gw.test/a', NOW + 4999)).map(text)).toEqual(['hello'])
        expect(await store.lookup('gw.test/a', NOW + 5000)).toEqual([])
      })

      it('drops only the expired variants', async () => {
        await store.put(storedEntry({ variantKey: 'gw.test/a\nshort', usefulUntil: NOW + 10 }))
        await store.put(storedEntry({ variantKey: 'gw.test/a\nlong', usefulUntil: NOW + 100 }))
        const found = await store.lookup('gw.test/a', NOW + 50)
        expect(found.map((entry) => entry.variantKey)).toEqual(['gw.test/a\nlong'])
      })

      it('does not store an entry larger than the object limit', async () => {
        const big = new Uint8Array(CONTRACT_MAX_OBJECT_BYTES * 2)
        await store.put(storedEntry({ primaryKey: 'gw.test/big', body: big }))
        expect(await store.lookup('gw.test/big', NOW)).toEqual([])
        expect(await store.invalidate('gw.test/big')).toBe(0)
      })

      it('stores an entry comfortably under the object limit', async () => {
        const body = new Uint8Array(CONTRACT_MAX_OBJECT_BYTES / 2).fill(7)
        await store.put(storedEntry({ primaryKey: 'gw.test/half', body }))
        const [found] = await store.lookup('gw.test/half', NOW)
        expect(found?.body.byteLength).toBe(CONTRACT_MAX_OBJECT_BYTES / 2)
        expect(found?.body[0]).toBe(7)
      })
    })

    describe('invalidate', () => {
      it('removes every variant of the resource and counts them', async () => {
        await store.put(storedEntry({ variantKey: 'gw.test/a\nen' }))
        await store.put(storedEntry({ variantKey: 'gw.test/a\nfr' }))
        await store.put(storedEntry({ primaryKey: 'gw.test/b' }))
        expect(await store.invalidate('gw.test/a')).toBe(2)
        expect(await store.lookup('gw.test/a', NOW)).toEqual([])
        expect((await store.lookup('gw.test/b', NOW)).length).toBe(1)
      })

      it('counts zero for an unknown resource', async () => {
        expect(await store.invalidate('gw.test/none')).toBe(0)
      })

      it('also forgets the surrogate keys of what it removed', async () => {
        await store.put(storedEntry({ surrogateKeys: ['k'] }))
        await store.invalidate('gw.test/a')
        expect(await store.purge(['k'], false)).toEqual({ purged: 0 })
      })
    })

    describe('purge', () => {
      beforeEach(async () => {
        await store.put(
          storedEntry({ primaryKey: 'gw.test/1', surrogateKeys: ['item-1', 'items'] })
        )
        await store.put(
          storedEntry({ primaryKey: 'gw.test/2', surrogateKeys: ['item-2', 'items'] })
        )
        await store.put(storedEntry({ primaryKey: 'gw.test/3', surrogateKeys: [] }))
      })

      const present = async () => {
        const keys: string[] = []
        for (const key of ['gw.test/1', 'gw.test/2', 'gw.test/3']) {
          if ((await store.lookup(key, NOW)).length > 0) keys.push(key)
        }
        return keys
      }

      it('hard: removes every entry tagged with the key', async () => {
        expect(await store.purge(['items'], false)).toEqual({ purged: 2 })
        expect(await present()).toEqual(['gw.test/3'])
      })

      it('hard: removes only entries tagged with the key', async () => {
        expect(await store.purge(['item-1'], false)).toEqual({ purged: 1 })
        expect(await present()).toEqual(['gw.test/2', 'gw.test/3'])
      })

      it('hard: counts an entry tagged with several purged keys once', async () => {
        expect(await store.purge(['item-1', 'items', 'item-1'], false)).toEqual({ purged: 2 })
      })

      it('hard: a purged entry is gone from every key that tagged it', async () => {
        await store.purge(['item-1'], false)
        expect(await store.purge(['items'], false)).toEqual({ purged: 1 })
        expect(await present()).toEqual(['gw.test/3'])
      })

      it('counts zero for a key nothing carries', async () => {
        expect(await store.purge(['nothing'], false)).toEqual({ purged: 0 })
        expect(await store.purge(['nothing'], true)).toEqual({ purged: 0 })
        expect(await present()).toEqual(['gw.test/1', 'gw.test/2', 'gw.test/3'])
      })

      it('soft: keeps the entries, marked soft-purged', async () => {
        expect(await store.purge(['item-2'], true)).toEqual({ purged: 1 })
        const [one] = await store.lookup('gw.test/1', NOW)
        const [two] = await store.lookup('gw.test/2', NOW)
        expect(one?.softPurged).toBe(false)
        expect(two?.softPurged).toBe(true)
        expect(text(two!)).toBe('hello')
      })

      it('soft: a later put of the same variant is not soft-purged', async () => {
        await store.purge(['items'], true)
        await store.put(storedEntry({ primaryKey: 'gw.test/1', surrogateKeys: ['items'] }))
        const [one] = await store.lookup('gw.test/1', NOW)
        const [two] = await store.lookup('gw.test/2', NOW)
        expect(one?.softPurged).toBe(false)
        expect(two?.softPurged).toBe(true)
      })

      it('follows the keys of the replacing entry, not the replaced one', async () => {
        await store.put(storedEntry({ primaryKey: 'gw.test/1', surrogateKeys: ['fresh-key'] }))
        expect(await store.purge(['item-1'], false)).toEqual({ purged: 0 })
        expect(await store.purge(['fresh-key'], false)).toEqual({ purged: 1 })
        expect(await present()).toEqual(['gw.test/2', 'gw.test/3'])
      })
    })

    // Stores with their own fence (FillMark; the Workers store): the others skip these.
    const fenced = typeof make().beginFill === 'function'
    describe.skipIf(!fenced)('fill marks (stores with beginFill)', () => {
      it('refuses a put whose mark predates a purge of its keys, hard or soft', async () => {
        for (const soft of [false, true]) {
          const mark = await store.beginFill!()
          await store.purge(['k'], soft)
          await store.put(storedEntry({ primaryKey: 'gw.test/m', surrogateKeys: ['k'] }), mark)
          expect(await store.lookup('gw.test/m', NOW)).toEqual([])
        }
      })

      it('stores a put whose mark follows the purge, or whose keys were not purged', async () => {
        const before = await store.beginFill!()
        await store.purge(['k'], false)
        await store.put(storedEntry({ primaryKey: 'gw.test/other', surrogateKeys: ['j'] }), before)
        const after = await store.beginFill!()
        await store.put(storedEntry({ primaryKey: 'gw.test/m', surrogateKeys: ['k'] }), after)
        expect((await store.lookup('gw.test/other', NOW)).length).toBe(1)
        expect((await store.lookup('gw.test/m', NOW)).length).toBe(1)
      })
    })
  })
}
