import { env, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { storedEntry } from '../contract/cache-store.contract.ts'
import {
  CONTRACT_NOW,
  cacheApiStore,
  captureLogger,
  freshNamespace,
  RecordingPurger,
} from './helpers.ts'

const indexOf = (namespace: string) => env.TAGS.get(env.TAGS.idFromName(namespace))
const indexed = (namespace: string) =>
  runInDurableObject(indexOf(namespace), (index) => index.size())

describe('purge through the TagIndex Durable Object', () => {
  it('indexes tagged entries only, and a hard purge forgets what it removed', async () => {
    const namespace = freshNamespace()
    const store = cacheApiStore(namespace)
    await store.put(storedEntry({ primaryKey: 'gw.test/1', surrogateKeys: ['a', 'b'] }))
    await store.put(storedEntry({ primaryKey: 'gw.test/2', surrogateKeys: ['b'] }))
    await store.put(storedEntry({ primaryKey: 'gw.test/3' }))
    expect(await indexed(namespace)).toBe(2)

    expect(await store.purge(['a'], false)).toEqual({ purged: 1 })
    expect(await indexed(namespace)).toBe(1)
    expect(await store.lookup('gw.test/1', CONTRACT_NOW)).toEqual([])
    expect((await store.lookup('gw.test/2', CONTRACT_NOW)).length).toBe(1)
  })

  it('a purge in one isolate removes what another stored (one index per location)', async () => {
    const namespace = freshNamespace()
    const filler = cacheApiStore(namespace)
    const purger = cacheApiStore(namespace)
    await filler.put(storedEntry({ primaryKey: 'gw.test/x', surrogateKeys: ['k'] }))
    expect(await purger.purge(['k'], false)).toEqual({ purged: 1 })
    expect(await filler.lookup('gw.test/x', CONTRACT_NOW)).toEqual([])
  })

  it('a soft purge keeps the index and marks the entry in the cache', async () => {
    const namespace = freshNamespace()
    const store = cacheApiStore(namespace)
    await store.put(storedEntry({ primaryKey: 'gw.test/s', surrogateKeys: ['k'] }))
    expect(await store.purge(['k'], true)).toEqual({ purged: 1 })
    expect(await indexed(namespace)).toBe(1)
    const [entry] = await cacheApiStore(namespace).lookup('gw.test/s', CONTRACT_NOW)
    expect(entry?.softPurged).toBe(true)
    // A later hard purge still finds it.
    expect(await store.purge(['k'], false)).toEqual({ purged: 1 })
    expect(await indexed(namespace)).toBe(0)
  })

  it('skips and prunes entries past their usefulness', async () => {
    const namespace = freshNamespace()
    let now = CONTRACT_NOW
    const store = cacheApiStore(namespace, { clock: { now: () => now } })
    await store.put(
      storedEntry({ primaryKey: 'gw.test/old', surrogateKeys: ['k'], usefulUntil: now + 1000 })
    )
    now += 1000
    expect(await store.purge(['k'], false)).toEqual({ purged: 0 })
    expect(await indexed(namespace)).toBe(0)
  })

  it('asks the zone purger for the same keys, soft or hard, and logs its failures', async () => {
    const zone = new RecordingPurger(new Set(['bad']))
    const logger = captureLogger()
    const store = cacheApiStore(freshNamespace(), { zonePurger: zone, logger })
    await store.put(storedEntry({ surrogateKeys: ['ok'] }))
    expect(await store.purge(['ok', 'bad'], true)).toEqual({ purged: 1 })
    expect(zone.calls).toEqual([{ keys: ['ok', 'bad'], soft: true }])
    expect(logger.lines).toMatchObject([
      { level: 'warn', fields: { failed: [{ key: 'bad' }], purged: ['ok'] } },
    ])
  })

  it('still purges the other locations when the index fails, then reports the failure', async () => {
    const zone = new RecordingPurger()
    const store = cacheApiStore(freshNamespace(), {
      zonePurger: zone,
      index: {
        mark: async () => 0,
        register: async () => ({ stored: true, generation: 0 }),
        forget: async () => undefined,
        take: async () => {
          throw new Error('index down')
        },
      },
    })
    await expect(store.purge(['k'], false)).rejects.toThrow(/tag index unavailable/)
    expect(zone.calls).toEqual([{ keys: ['k'], soft: false }])
  })

  it('keeps a fill alive with waitUntil: the core does not wait for stores', async () => {
    const held: Promise<unknown>[] = []
    const store = cacheApiStore(freshNamespace(), { waitUntil: (work) => held.push(work) })
    const put = store.put(storedEntry({ surrogateKeys: ['k'] }))
    expect(held).toHaveLength(1)
    await put
  })
})
