/**
 * The `Purger` of a cluster node (docs/cluster.md): a purge goes through the shared log to
 * every node, each applies it to its own cache, and the purge resolves once every live node
 * acknowledged it or its cache lease ended. So when the gateway then delivers, no live node
 * can still serve what was purged.
 * @module
 */
import { GatewayError } from '../../../src/errors.ts'
import type { PurgeReport, Purger } from '../../../src/purge/purger.ts'
import type { ClusterNode } from './cluster-node.ts'

/** The 503 every cluster operation answers while the bus cannot be reached. */
export function clusterUnavailable(cause: unknown): GatewayError {
  return new GatewayError(
    'CLUSTER_UNAVAILABLE',
    503,
    'the cluster bus cannot be reached: nothing was purged or published through it',
    { headers: { 'retry-after': '1' }, cause }
  )
}

/** Purges on every live node of the cluster. */
export class ClusterPurger implements Purger {
  readonly #node: ClusterNode

  constructor(node: ClusterNode) {
    this.#node = node
  }

  /** Throws `CLUSTER_UNAVAILABLE` (503) when the bus is down: no key is known purged. */
  async purge(keys: readonly string[], soft: boolean): Promise<PurgeReport> {
    const unique = [...new Set(keys)]
    if (unique.length === 0) return { soft, purged: [], failed: [], objects: 0 }
    let unacknowledged: string[]
    try {
      ;({ unacknowledged } = await this.#node.issuePurge(unique, soft))
    } catch (error) {
      throw clusterUnavailable(error)
    }
    // Each node counts its own objects; the cluster answer does not add them up.
    return { soft, purged: unique, failed: [], objects: null, unacknowledged }
  }
}
