/**
 * The `Purger` seam (STYLE.md §3.3) for platforms whose edge cache is not the core's
 * PullCache: purge by surrogate key, hard or soft, and report each key's outcome. A purge
 * never throws on a partial failure; the caller decides what a failed key means.
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
      const report: PurgeReport = { soft, purged: [], failed: [] }
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
