/**
 * Resets every `fastly:*` shim: call in `beforeEach` so tests do not see each other's calls.
 * @module
 */
import { clearCalls } from './calls.ts'
import { resetCompute } from './compute.ts'
import { resetConfigStores } from './config-store.ts'
import { resetEnv } from './env.ts'
import { handoffs } from './fanout.ts'
import { resetSecretStores } from './secret-store.ts'

/** Clears calls, seeded stores, env values, purges and handoffs. */
export function resetShims(): void {
  clearCalls()
  resetCompute()
  resetConfigStores()
  resetEnv()
  resetSecretStores()
  handoffs.length = 0
}
