import { describe, expect, it } from 'vitest'
import type { ChannelRoom } from '../../edge/cloudflare/fanout/channel-room.ts'
import { DurableObjectHistoryStore } from '../../edge/cloudflare/fanout/history-store.ts'
import type { PublishItem } from '../../src/grip/publish-item.ts'
import type { HistoryStore } from '../../src/history/store.ts'
import { historyItem, runHistoryStoreContract } from '../contract/history-store.contract.ts'
import { FakeClock } from '../fakes/fake-clock.ts'
import { fanoutEnv, inside } from './fanout-fixture.ts'

// The same contract as the memory store, against a real Durable Object's storage: each call
// runs inside one fresh ChannelRoom (storage is reachable only from within its object).
runHistoryStoreContract('DurableObjectHistoryStore (Durable Object storage)', (policy, clock) => {
  const stub = fanoutEnv.CHANNELS.get(fanoutEnv.CHANNELS.newUniqueId())
  const within = <R>(run: (store: DurableObjectHistoryStore) => Promise<R>) =>
    inside(stub, (_room: ChannelRoom, state) =>
      run(new DurableObjectHistoryStore(state.storage, clock, policy))
    )
  const store: HistoryStore = {
    append: (item) => within((s) => s.append(item)),
    itemsAfter: (channel, id) => within((s) => s.itemsAfter(channel, id)),
    lastId: (channel) => within((s) => s.lastId(channel)),
  }
  return store
})

describe('DurableObjectHistoryStore.appendAll', () => {
  it('appends a batch as item-by-item appends would, writing only what is kept', async () => {
    const stub = fanoutEnv.CHANNELS.get(fanoutEnv.CHANNELS.newUniqueId())
    const result = await inside(stub, async (_room: ChannelRoom, state) => {
      const store = new DurableObjectHistoryStore(state.storage, new FakeClock(), () => ({
        size: 3,
        ttlMs: 60_000,
      }))
      await store.appendAll([
        historyItem('c'),
        ...['1', '2', '1', '3', '4', '5'].map((id) => historyItem('c', id)),
      ])
      await store.appendAll([historyItem('c'), historyItem('c', '6')])
      return {
        after4: await store.itemsAfter('c', '4'),
        after5: await store.itemsAfter('c', '5'),
        keys: (await state.storage.list({ prefix: 'history:' })).size,
      }
    })
    expect(result.after4).toBe('unknown')
    expect((result.after5 as PublishItem[]).map((item) => item.id ?? '-')).toEqual(['-', '6'])
    expect(result.keys).toBe(3)
  })
})
