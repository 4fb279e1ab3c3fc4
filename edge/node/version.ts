/**
 * The version of the installed gripgate, from its package.json: two directories up from the
 * source (edge/node/) and three from the compiled package (dist/edge/node/).
 * @module
 */
import { readFileSync } from 'node:fs'

/** The `version` of the nearest package.json named gripgate above this module. */
export function packageVersion(from: string | URL = import.meta.url): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(up, from), 'utf8')) as {
        name?: unknown
        version?: unknown
      }
      if (manifest.name === 'gripgate' && typeof manifest.version === 'string') {
        return manifest.version
      }
    } catch {
      // Not there at this depth: try the next one.
    }
  }
  return 'unknown'
}
