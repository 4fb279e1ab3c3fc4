/**
 * The `Purger` on Fastly: `purgeSurrogateKey(key, soft)` from `fastly:compute` (js-compute
 * 3.22+), which purges the key from this service's HTTP and Core caches without an API
 * token. `soft` marks objects stale so they are revalidated instead of refetched blind.
 * @module
 */
import { purgeSurrogateKey } from 'fastly:compute'
import { type Purger, purgerFromKeyPurge } from '../../src/purge/purger.ts'

/** Purges through the Compute hostcall; a key the hostcall refuses is reported, not thrown. */
export function createFastlyPurger(): Purger {
  return purgerFromKeyPurge((key, soft) => purgeSurrogateKey(key, soft))
}
