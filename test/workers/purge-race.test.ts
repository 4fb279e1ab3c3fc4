/**
 * Issue #16 part 1: publish (purge) right after a MISS must never leave pre-purge content in
 * the Cache API store. Each test orders the fill's steps, the purge and the read explicitly
 * (a purge injected between two steps of the store), with two stores on one namespace
 * standing for two isolates: the one that fills and the one that takes the publish.
 */
import { env, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { CacheApiStore, TagIndexClient } from '../../edge/cloudflare/cache-store.ts'
import { tagIndexClient } from '../../edge/cloudflare/platform.ts'
import { PullCache } from '../../src/cache/pull-cache.ts'
import type { StoredResponse } from '../../src/cache/store.ts'
import { storedEntry } from '../contract/cache-store.contract.ts'
import { CONTRACT_NOW, cacheApiStore, captureLogger, freshNamespace } from './helpers.ts'

const PRIMARY = 'gw.test/race'
const entry = (body: string, keys = ['k']): StoredResponse =>
  storedEntry({ primaryKey: PRIMARY, surrogateKeys: keys, body: new TextEncoder().encode(body) })
const bodies = (entries: StoredResponse[]) => entries.map((e) => new TextDecoder().decode(e.body))

/** A tag index client that runs `before` ahead of the named call and `after` behind it. */
function interleaved(
  namespace: string,
  hooks: Partial<
    Record<'register', { before?: () => Promise<unknown>; after?: () => Promise<unknown> }>
  >
): TagIndexClient {
  const real = tagIndexClient(env, namespace)
  return {
    ...real,
    register: async (...args) => {
      await hooks.register?.before?.()
      const answer = await real.register(...args)
      await hooks.register?.after?.()
      return answer
    },
  }
}

type Hooks = Parameters<typeof interleaved>[1]

/** Two isolates of one location: `filler` stores, `publisher` purges and reads. */
function isolates(hooks: (publisher: CacheApiStore) => Hooks = () => ({})) {
  const namespace = freshNamespace()
  const publisher = cacheApiStore(namespace)
  const filler = cacheApiStore(namespace, { index: interleaved(namespace, hooks(publisher)) })
  return { namespace, filler, publisher }
}

describe('publish right after a MISS: the purge always wins (Cache API store)', () => {
  it('fill marked, purge, then the store lands: refused, nothing to read', async () => {
    const { filler, publisher } = isolates()
    const mark = await filler.beginFill()
    expect(await publisher.purge(['k'], false)).toEqual({ purged: 0 })
    await filler.put(entry('before the publish'), mark)
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
    expect(await filler.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
  })

  it('purge between the copy reaching the cache and its registration: never visible', async () => {
    const { filler, publisher } = isolates((other) => ({
      register: { before: () => other.purge(['k'], false) },
    }))
    await filler.put(entry('before the publish'), await filler.beginFill())
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
    // The refused copy was deleted too, and the index keeps nothing of it.
    expect(await publisher.purge(['k'], false)).toEqual({ purged: 0 })
  })

  it('purge between the registration and the variant list: found and deleted', async () => {
    let counted: number | undefined
    const { filler, publisher } = isolates((other) => ({
      register: {
        after: async () => {
          counted = (await other.purge(['k'], false)).purged
        },
      },
    }))
    await filler.put(entry('before the publish'), await filler.beginFill())
    expect(counted).toBe(1)
    // The list now names a copy the purge deleted: a miss.
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
  })

  it('purge after the store: found and deleted; a fill marked after it is stored', async () => {
    const { filler, publisher } = isolates()
    await filler.put(entry('v1'), await filler.beginFill())
    expect(await publisher.purge(['k'], false)).toEqual({ purged: 1 })
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
    // The filler has not heard of the purge yet: its next mark predates it (refused)...
    await filler.put(entry('v2'), await filler.beginFill())
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
    // ...but the refusal told it the newest generation: the next fill is stored.
    await filler.put(entry('v3'), await filler.beginFill())
    expect(bodies(await publisher.lookup(PRIMARY, CONTRACT_NOW))).toEqual(['v3'])
  })

  it('a soft purge fences like a hard one; other keys are not fenced', async () => {
    const { filler, publisher } = isolates()
    const mark = await filler.beginFill()
    await publisher.purge(['k'], true)
    await filler.put(entry('soft-fenced'), mark)
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
    await filler.put(entry('other key', ['unrelated']), mark)
    expect(bodies(await publisher.lookup(PRIMARY, CONTRACT_NOW))).toEqual(['other key'])
  })

  it('a replacing put keeps the old copy until the new one is accepted, then purges the new', async () => {
    const { filler, publisher } = isolates()
    await filler.put(entry('old', ['k', 'old-only']), await filler.beginFill())
    await filler.put(entry('new', ['k']), await filler.beginFill())
    expect(bodies(await publisher.lookup(PRIMARY, CONTRACT_NOW))).toEqual(['new'])
    expect(await publisher.purge(['old-only'], false)).toEqual({ purged: 0 })
    expect(await publisher.purge(['k'], false)).toEqual({ purged: 1 })
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
  })

  it('without an answer from the index a mark predates every purge', async () => {
    const namespace = freshNamespace()
    const publisher = cacheApiStore(namespace)
    await publisher.purge(['k'], false)
    const real = tagIndexClient(env, namespace)
    const filler = cacheApiStore(namespace, {
      index: { ...real, mark: () => Promise.reject(new Error('index down')) },
    })
    await filler.put(entry('unknown age'), await filler.beginFill())
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
  })

  it('a mark older than the purges the index still remembers is refused, whatever its keys', async () => {
    const { namespace, filler, publisher } = isolates()
    const old = await filler.beginFill()
    await publisher.purge(['other'], false)
    // Age that purge past PURGE_MEMORY_MS, then let the next purge prune it.
    const stub = env.TAGS.get(env.TAGS.idFromName(namespace))
    await runInDurableObject(stub, (_index, state) => {
      state.storage.sql.exec('UPDATE purges SET at = 0')
    })
    await publisher.purge(['unrelated'], false)
    await filler.put(entry('old mark'), old)
    expect(await publisher.lookup(PRIMARY, CONTRACT_NOW)).toEqual([])
    const fresh = await tagIndexClient(env, namespace).mark()
    await filler.put(entry('fresh mark'), fresh)
    expect(bodies(await publisher.lookup(PRIMARY, CONTRACT_NOW))).toEqual(['fresh mark'])
  })
})

describe('the pull cache over the Cache API store: a fill in flight in another isolate', () => {
  it('is not stored when a purge of its keys was handled elsewhere during its fetch', async () => {
    const namespace = freshNamespace()
    const pull = (store: CacheApiStore) =>
      new PullCache({
        store,
        clock: { now: () => CONTRACT_NOW, schedule: () => () => undefined },
        logger: captureLogger(),
        waitUntil: () => undefined,
        maxObjectBytes: 64 * 1024,
      })
    const filling = pull(cacheApiStore(namespace))
    const publishing = pull(cacheApiStore(namespace))
    let version = 'v1'
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let fetching = () => {}
    const fetched = new Promise<void>((resolve) => {
      fetching = resolve
    })
    const forward = async () => {
      const body = version
      fetching()
      await gate
      return new Response(body, {
        headers: {
          'cache-control': 'public, max-age=60',
          'surrogate-key': 'k',
          date: new Date(CONTRACT_NOW).toUTCString(),
        },
      })
    }
    const request = () => new Request('https://gw.test/race')
    const first = filling.handle(request(), 'origin', forward)
    // The fill has its mark and is waiting for the origin: the publish is handled elsewhere.
    await fetched
    version = 'v2'
    expect(await publishing.purge(['k'], false)).toBe(0)
    release()
    const answer = await first
    expect([answer.headers.get('x-cache'), await answer.text()]).toEqual(['MISS', 'v1'])
    const next = await publishing.handle(request(), 'origin', forward)
    expect([next.headers.get('x-cache'), await next.text()]).toEqual(['MISS', 'v2'])
  })
})
