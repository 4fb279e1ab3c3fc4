/**
 * The `HistoryStore` contract: the memory store (unit), the Redis Streams store (node, against a
 * private redis-server) and the Durable Object storage store (workers) run this suite from
 * their own test files. Never run directly.
 * @module
 */
import { describe, expect, it } from 'vitest'
import type { PublishItem } from '../../src/grip/publish-item.ts'
import type { HistoryPolicy, HistoryStore } from '../../src/history/store.ts'
import { FakeClock } from '../fakes/fake-clock.ts'

/** Builds an empty store under `policy`, reading time from `clock`. */
export type MakeHistoryStore = (policy: HistoryPolicy, clock: FakeClock) => HistoryStore

const bytes = (text: string) => new TextEncoder().encode(text)

/** An item with every format, so a store is seen to keep them all. */
export function historyItem(channel: string, id?: string, prevId?: string): PublishItem {
  const item: PublishItem = {
    channel,
    noSeq: false,
    formats: {
      'http-stream': { action: 'send', content: bytes(`id: ${id}\ndata: ${id}\n\n`) },
      'http-response': {
        action: 'send',
        code: 200,
        reason: 'OK',
        headers: [['content-type', 'text/plain']],
        body: bytes(`item ${id}`),
      },
      'ws-message': { action: 'send', type: 'text', content: bytes(`ws ${id}`) },
    },
  }
  if (id !== undefined) item.id = id
  if (prevId !== undefined) item.prevId = prevId
  return item
}

const ids = (items: readonly PublishItem[] | 'unknown') =>
  items === 'unknown' ? items : items.map((item) => item.id ?? '-')

/** Runs the shared `HistoryStore` contract against stores built by `make`. */
export function runHistoryStoreContract(name: string, make: MakeHistoryStore): void {
  const bounded =
    (size: number, ttlMs = 60_000): HistoryPolicy =>
    (channel) =>
      channel.startsWith('off-') ? undefined : { size, ttlMs }

  describe(`HistoryStore contract: ${name}`, () => {
    const setup = (size = 10, ttlMs = 60_000) => {
      const clock = new FakeClock()
      return { clock, store: make(bounded(size, ttlMs), clock) }
    }
    const appendAll = async (store: HistoryStore, items: PublishItem[]) => {
      for (const item of items) await store.append(item)
    }

    it('knows nothing of a channel never published', async () => {
      const { store } = setup()
      expect(await store.itemsAfter('c', '1')).toBe('unknown')
      expect(await store.lastId('c')).toBeUndefined()
    })

    it('answers the items after an id, in order; none after the newest; unknown ids', async () => {
      const { store } = setup()
      await appendAll(
        store,
        ['1', '2', '3'].map((id) => historyItem('c', id))
      )
      expect(ids(await store.itemsAfter('c', '1'))).toEqual(['2', '3'])
      expect(ids(await store.itemsAfter('c', '3'))).toEqual([])
      expect(await store.itemsAfter('c', '9')).toBe('unknown')
      expect(await store.lastId('c')).toBe('3')
    })

    it('keeps every format of an item, byte for byte', async () => {
      const { store } = setup()
      const item = historyItem('c', '2', '1')
      await appendAll(store, [historyItem('c', '1'), item])
      expect(await store.itemsAfter('c', '1')).toEqual([item])
    })

    it('keeps at most `size` items per channel, newest', async () => {
      const { store } = setup(3)
      await appendAll(
        store,
        ['1', '2', '3', '4', '5'].map((id) => historyItem('c', id))
      )
      expect(await store.itemsAfter('c', '2')).toBe('unknown')
      expect(ids(await store.itemsAfter('c', '3'))).toEqual(['4', '5'])
    })

    it('drops items older than `ttlMs` on the injected clock', async () => {
      const { store, clock } = setup(10, 1_000)
      await store.append(historyItem('c', '1'))
      clock.advance(600)
      await store.append(historyItem('c', '2'))
      clock.advance(400)
      expect(await store.itemsAfter('c', '1')).toBe('unknown')
      expect(ids(await store.itemsAfter('c', '2'))).toEqual([])
      clock.advance(600)
      expect(await store.itemsAfter('c', '2')).toBe('unknown')
      expect(await store.lastId('c')).toBeUndefined()
    })

    it('keeps id-less items after a resumable one, never on their own', async () => {
      const { store } = setup()
      await store.append(historyItem('c'))
      expect(await store.lastId('c')).toBeUndefined()
      await appendAll(store, [historyItem('c', '1'), historyItem('c'), historyItem('c', '2')])
      expect(ids(await store.itemsAfter('c', '1'))).toEqual(['-', '2'])
    })

    it('ignores an id it already keeps (a duplicate publish)', async () => {
      const { store } = setup()
      await appendAll(
        store,
        ['1', '2', '1'].map((id) => historyItem('c', id))
      )
      expect(ids(await store.itemsAfter('c', '1'))).toEqual(['2'])
      expect(await store.lastId('c')).toBe('2')
    })

    it('keeps channels apart, and nothing for a channel the policy turns off', async () => {
      const { store } = setup()
      await appendAll(store, [historyItem('a', '1'), historyItem('b', '1'), historyItem('a', '2')])
      await store.append(historyItem('off-c', '1'))
      expect(ids(await store.itemsAfter('a', '1'))).toEqual(['2'])
      expect(ids(await store.itemsAfter('b', '1'))).toEqual([])
      expect(await store.itemsAfter('off-c', '1')).toBe('unknown')
    })
  })
}
