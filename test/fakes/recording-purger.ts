/**
 * A `Purger` that records every purge call (into an optional shared log, to check the
 * order against other seams) and fails the keys it is told to.
 * @module
 */
import { type Purger, purgerFromKeyPurge } from '../../src/purge/purger.ts'

/** The fake, with what it recorded. */
export interface RecordingPurger extends Purger {
  purged: Array<{ key: string; soft: boolean }>
}

/** Builds the fake; `failing` maps keys to the error message their purge throws. */
export function recordingPurger(
  failing: Record<string, string> = {},
  log: string[] = []
): RecordingPurger {
  const purged: Array<{ key: string; soft: boolean }> = []
  const inner = purgerFromKeyPurge((key, soft) => {
    log.push(`purge ${key}${soft ? ' (soft)' : ''}`)
    const failure = failing[key]
    if (failure !== undefined) throw new Error(failure)
    purged.push({ key, soft })
  })
  return { purged, purge: (keys, soft) => inner.purge(keys, soft) }
}
