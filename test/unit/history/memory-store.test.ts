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

  // Issue #15's storm: subscribers resuming from one point share one answer (and its join).
  it('answers the same lookup with the same array until the channel changes', async () => {
    const clock = new FakeClock()
    const store = new MemoryHistoryStore({ clock, policy: () => ({ size: 4, ttlMs: 1_000 }) })
    for (const id of ['1', '2', '3']) store.appendNow(historyItem('c', id))
    const first = store.itemsAfterNow('c', '1')
    expect(store.itemsAfterNow('c', '1')).toBe(first)
    const ids = (found: typeof first) => (found === 'unknown' ? found : found.map((i) => i.id))
    expect(ids(store.itemsAfterNow('c', '2'))).toEqual(['3'])
    store.appendNow(historyItem('c', '4'))
    const after = store.itemsAfterNow('c', '1')
    expect(after).not.toBe(first)
    expect(ids(after)).toEqual(['2', '3', '4'])
    expect(ids(first)).toEqual(['2', '3'])
    // The oldest item leaving the ring leaves the answer from a later point as it was.
    store.appendNow(historyItem('c', '5'))
    const from3 = store.itemsAfterNow('c', '3')
    store.appendNow(historyItem('c', '6'))
    expect(ids(store.itemsAfterNow('c', '1'))).toBe('unknown')
    expect(ids(store.itemsAfterNow('c', '3'))).toEqual(['4', '5', '6'])
    expect(ids(from3)).toEqual(['4', '5'])
    clock.advance(2_000)
    expect(store.itemsAfterNow('c', '3')).toBe('unknown')
  })

  it('stays bounded over many items (the ring compacts)', async () => {
    const store = new MemoryHistoryStore({ clock: new FakeClock(), policy })
    for (let i = 0; i < 1_000; i++) store.appendNow(historyItem('c', String(i)))
    expect(store.snapshot()).toMatchObject({ items: 3 })
    expect((await store.itemsAfter('c', '997')) as unknown[]).toHaveLength(2)
  })
})
