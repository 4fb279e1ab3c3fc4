/**
 * Shared pieces of the workers tests: a silent logger, a recording purger, fixed clocks and
 * a store on a fresh namespace (its own cache URLs and its own TagIndex object).
 */
import { env } from 'cloudflare:test'
import { CacheApiStore, type CacheApiStoreOptions } from '../../edge/cloudflare/cache-store.ts'
import { tagIndexClient } from '../../edge/cloudflare/platform.ts'
import type { Logger } from '../../src/platform.ts'
import type { PurgeReport, Purger } from '../../src/purge/purger.ts'

/** The contract suite's "now" (test/contract/cache-store.contract.ts). */
export const CONTRACT_NOW = Date.UTC(2025, 0, 1)

/** A logger that keeps what it was told. */
export function captureLogger(): Logger & {
  lines: { level: string; msg: string; fields?: Record<string, unknown> }[]
} {
  const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = []
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    lines.push({ level, msg, fields })
  }
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/**
 * A purger that records its calls and fails the keys in `failing`; hard only, like the zone
 * purger it stands for (test/contract/purger.contract.ts).
 */
export class RecordingPurger implements Purger {
  readonly calls: { keys: string[]; soft: boolean }[] = []
  constructor(readonly failing: ReadonlySet<string> = new Set()) {}

  async purge(keys: readonly string[], soft: boolean): Promise<PurgeReport> {
    this.calls.push({ keys: [...keys], soft })
    const distinct = [...new Set(keys)]
    return {
      soft: false,
      purged: distinct.filter((key) => !this.failing.has(key)),
      objects: null,
      failed: distinct
        .filter((key) => this.failing.has(key))
        .map((key) => ({ key, reason: 'test' })),
    }
  }
}

/** A fresh namespace name, so tests never see each other's entries. */
export const freshNamespace = () => `test-${crypto.randomUUID()}`

/** A Cache API store over `caches.default` and the real TagIndex of `namespace`. */
export function cacheApiStore(
  namespace: string,
  overrides: Partial<CacheApiStoreOptions> = {}
): CacheApiStore {
  return new CacheApiStore({
    cache: caches.default,
    index: tagIndexClient(env, namespace),
    namespace,
    maxObjectBytes: 64 * 1024,
    clock: { now: () => CONTRACT_NOW },
    logger: captureLogger(),
    waitUntil: () => undefined,
    ...overrides,
  })
}
