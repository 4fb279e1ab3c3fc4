/**
 * A pull cache over a 1 MiB memory store with a quiet logger and background work dropped:
 * for tests that look at what one request gets, not at revalidation in the background.
 */
import { MemoryStore } from '../../src/cache/memory-store.ts'
import { PullCache, type PullCacheDeps } from '../../src/cache/pull-cache.ts'
import type { Clock } from '../../src/platform.ts'
import { CaptureLogger } from './capture-logger.ts'

export function memoryPullCache(
  clock: Clock,
  options: Pick<PullCacheDeps, 'requestDirectives'> = {}
): PullCache {
  return new PullCache({
    store: new MemoryStore({ maxBytes: 1 << 20, maxObjectBytes: 1 << 16 }),
    clock,
    logger: new CaptureLogger(),
    waitUntil: () => {},
    maxObjectBytes: 1 << 16,
    ...options,
  })
}
