/**
 * Counters of the pull cache, reported by the stats endpoint.
 * @module
 */
import type { CacheOutcome } from './respond.ts'

/** Running totals since start. */
export class CacheStats {
  hits = 0
  misses = 0
  stale = 0
  revalidated = 0
  bypasses = 0
  stores = 0
  /** Responses not stored because a purge of their keys happened during their fetch. */
  fenced = 0
  purges = 0
  purgedObjects = 0

  /** Counts one answered request by its outcome. */
  count(outcome: CacheOutcome): void {
    if (outcome === 'HIT') this.hits += 1
    else if (outcome === 'MISS') this.misses += 1
    else if (outcome === 'STALE') this.stale += 1
    else if (outcome === 'REVALIDATED') this.revalidated += 1
    else this.bypasses += 1
  }

  /** A plain JSON snapshot. */
  toJSON(): Record<string, number> {
    return Object.fromEntries(Object.entries(this))
  }
}
