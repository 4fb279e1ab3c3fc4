import {
  CONTRACT_MAX_OBJECT_BYTES,
  runCacheStoreContract,
} from '../contract/cache-store.contract.ts'
import { cacheApiStore, freshNamespace } from './helpers.ts'

// The same contract as the memory store, against caches.default and a real TagIndex object.
runCacheStoreContract('CacheApiStore (Cache API + TagIndex)', () =>
  cacheApiStore(freshNamespace(), { maxObjectBytes: CONTRACT_MAX_OBJECT_BYTES })
)
