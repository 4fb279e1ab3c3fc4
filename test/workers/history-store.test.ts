import type { ChannelRoom } from '../../edge/cloudflare/fanout/channel-room.ts'
import { DurableObjectHistoryStore } from '../../edge/cloudflare/fanout/history-store.ts'
import type { HistoryStore } from '../../src/history/store.ts'
import { runHistoryStoreContract } from '../contract/history-store.contract.ts'
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
