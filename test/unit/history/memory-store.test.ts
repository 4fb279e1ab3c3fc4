import { describe, expect, it } from 'vitest'
import { MemoryHistoryStore } from '../../../src/history/memory-store.ts'
import { historyItem, runHistoryStoreContract } from '../../contract/history-store.contract.ts'
import { FakeClock } from '../../fakes/fake-clock.ts'

runHistoryStoreContract(
  'MemoryHistoryStore',
  (policy, clock) => new MemoryHistoryStore({ clock, policy })
)

describe('MemoryHistoryStore', () => {
  const policy = () => ({ size: 3, ttlMs: 1_000 })

  it('counts what it keeps, drops and answers', async () => {
    const store = new MemoryHistoryStore({ clock: new FakeClock(), policy })
    for (const id of ['1', '2', '3', '4']) store.appendNow(historyItem('c', id))
    await store.itemsAfter('c', '2')
    await store.itemsAfter('c', '1')
    expect(store.snapshot()).toEqual({
      channels: 1,
      items: 3,
      appended: 4,
      dropped: 1,
      hits: 1,
      misses: 1,
    })
  })

  it('forgets the least recently published channel beyond maxChannels', async () => {
    const store = new MemoryHistoryStore({ clock: new FakeClock(), policy, maxChannels: 2 })
    store.appendNow(historyItem('a', '1'))
    store.appendNow(historyItem('b', '1'))
    store.appendNow(historyItem('a', '2'))
    store.appendNow(historyItem('c', '1'))
    expect(await store.lastId('b')).toBeUndefined()
    expect(await store.lastId('a')).toBe('2')
    expect(store.snapshot()).toMatchObject({ channels: 2, items: 3 })
  })

  it('forgets quiet channels whose items all expired when others publish', () => {
    const clock = new FakeClock()
    const store = new MemoryHistoryStore({ clock, policy })
    store.appendNow(historyItem('a', '1'))
    clock.advance(2_000)
    store.appendNow(historyItem('b', '1'))
    expect(store.snapshot()).toMatchObject({ channels: 1, items: 1 })
  })

  it('stays bounded over many items (the ring compacts)', async () => {
    const store = new MemoryHistoryStore({ clock: new FakeClock(), policy })
    for (let i = 0; i < 1_000; i++) store.appendNow(historyItem('c', String(i)))
    expect(store.snapshot()).toMatchObject({ items: 3 })
    expect((await store.itemsAfter('c', '997')) as unknown[]).toHaveLength(2)
  })
})
