/**
 * The `Purger` seam (STYLE.md §3.3): purge the edge cache by surrogate key, hard or soft, and
 * report each key's outcome. The publish flow and `/_gripgate/purge` purge only through it,
 * on every platform: the core's PullCache (`cachePurger`), Fastly's purge hostcall, and
 * wrappers that purge more than this node's cache (a cluster). A purge never throws on a
 * partial failure; the caller decides what a failed key means.
 * @module
 */

/** One key that could not be purged, and why. */
export interface PurgeFailure {
  key: string
  reason: string
}

/** The outcome of one purge call. */
export interface PurgeReport {
  soft: boolean
  purged: string[]
  failed: PurgeFailure[]
  /**
   * Stored objects removed (hard) or marked stale (soft); `null` where the cache does not
   * say (Fastly purges a key without counting what it covered).
   */
  objects: number | null
  /**
   * Nodes of a cluster that did not acknowledge this purge in time: the purge waited for
   * their cache leases to end instead (docs/cluster.md). Absent outside a cluster.
   */
  unacknowledged?: string[]
}

/** Purges surrogate keys from the platform's cache. */
export interface Purger {
  purge(keys: readonly string[], soft: boolean): Promise<PurgeReport>
}

/**
 * Builds a purger from a per-key purge function (such as Fastly's `purgeSurrogateKey`), one
 * key at a time so one bad key does not hide the others' outcomes.
 */
export function purgerFromKeyPurge(
  purgeOne: (key: string, soft: boolean) => void | Promise<void>
): Purger {
  return {
    async purge(keys, soft) {
      const report: PurgeReport = { soft, purged: [], failed: [], objects: null }
      for (const key of new Set(keys)) {
        try {
          await purgeOne(key, soft)
          report.purged.push(key)
        } catch (error) {
          report.failed.push({
            key,
            reason: error instanceof Error ? error.message : String(error),
          })
        }
      }
      return report
    },
  }
}

/**
 * Builds a purger from a cache that purges a whole batch and counts the objects (the core's
 * PullCache). A batch that throws is reported as every key failed, with the reason.
 */
export function purgerFromBatchPurge(
  purgeAll: (keys: readonly string[], soft: boolean) => Promise<number>
): Purger {
  return {
    async purge(keys, soft) {
      const unique = [...new Set(keys)]
      if (unique.length === 0) return { soft, purged: [], failed: [], objects: 0 }
      try {
        return { soft, purged: unique, failed: [], objects: await purgeAll(unique, soft) }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error)
        return { soft, purged: [], failed: unique.map((key) => ({ key, reason })), objects: null }
      }
    },
  }
}
