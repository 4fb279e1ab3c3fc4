import { describe, expect, it } from 'vitest'
import {
  applyRouteCache,
  type CandidateResponse,
  cacheOverrideFor,
  isHooksUnsupported,
} from '../../edge/fastly/cache-policy.ts'
import type { RouteCacheConfig } from '../../src/config/types.ts'
import type { CacheOverride } from './shims/cache-override.ts'

const candidate = (headers: Record<string, string>, keys?: string[]): CandidateResponse => ({
  headers: new Headers(headers),
  ttl: 120,
  swr: 10,
  ...(keys ? { surrogateKeys: keys } : {}),
})

describe('applyRouteCache (afterSend)', () => {
  it.each<[string, Record<string, string>, RouteCacheConfig, string[] | undefined]>([
    [
      'Surrogate-Key only: Fastly indexed it already',
      { 'surrogate-key': 'a b' },
      'origin',
      ['u', 'a', 'b'],
    ],
    ['Cache-Tag is added', { 'cache-tag': 'c, d' }, 'origin', ['u', 'c', 'd']],
    ['route keys are added', {}, { ttl: 1, keys: ['r'] }, ['u', 'r']],
    ['nothing to add', {}, 'origin', ['u']],
  ])('%s', (_name, headers, cache, want) => {
    const response = candidate(headers, ['u', ...(headers['surrogate-key']?.split(' ') ?? [])])
    applyRouteCache(response, cache)
    expect(response.surrogateKeys).toEqual(want)
  })

  it('sets keys even when Fastly gave none (older hostcalls)', () => {
    const response = candidate({ 'cache-tag': 'x' })
    applyRouteCache(response, 'origin')
    expect(response.surrogateKeys).toEqual(['x'])
  })

  it('keeps the origin’s freshness for cache "origin"', () => {
    const response = candidate({ 'cache-control': 'max-age=120' })
    expect(applyRouteCache(response, 'origin')).toBeUndefined()
    expect([response.ttl, response.swr]).toEqual([120, 10])
  })

  it('replaces freshness with the route’s, in seconds', () => {
    const response = candidate({ 'cache-control': 'max-age=5' })
    expect(applyRouteCache(response, { ttl: 300 })).toBeUndefined()
    expect([response.ttl, response.swr]).toEqual([300, 0])
  })

  it.each(['no-store', 'private', 'private, max-age=60', 'public, no-store'])(
    'does not store an override route’s response with Cache-Control: %s',
    (cacheControl) => {
      const response = candidate({ 'cache-control': cacheControl })
      expect(applyRouteCache(response, { ttl: 300 })).toEqual({ cache: false })
      expect(response.ttl).toBe(120)
    }
  )
})

describe('cacheOverrideFor', () => {
  const plain = (override: CacheOverride) => {
    const { mode, ttl, swr, surrogateKey, afterSend } = override
    return { mode, ttl, swr, surrogateKey, hook: afterSend !== undefined }
  }
  const none = { ttl: undefined, swr: undefined, surrogateKey: undefined }

  it.each<[string, string, RouteCacheConfig, 'hooks' | 'host', object]>([
    ['GET, origin, hooks', 'GET', 'origin', 'hooks', { mode: 'override', ...none, hook: true }],
    [
      'HEAD, override, hooks',
      'HEAD',
      { ttl: 9 },
      'hooks',
      { mode: 'override', ...none, hook: true },
    ],
    ['GET, cache false', 'GET', false, 'hooks', { mode: 'pass', ...none, hook: false }],
    ['POST', 'POST', 'origin', 'hooks', { mode: 'pass', ...none, hook: false }],
    [
      'DELETE on an override route',
      'DELETE',
      { ttl: 9 },
      'host',
      { mode: 'pass', ...none, hook: false },
    ],
    ['GET, origin, host', 'GET', 'origin', 'host', { mode: 'none', ...none, hook: false }],
    [
      'GET, override, host (seconds, space-separated keys)',
      'GET',
      { ttl: 60, staleWhileRevalidate: 30, staleIfError: 600, keys: ['a', 'b'] },
      'host',
      { mode: 'override', ttl: 60, swr: 30, surrogateKey: 'a b', hook: false },
    ],
    [
      'GET, bare override, host',
      'GET',
      { ttl: 0 },
      'host',
      { mode: 'override', ...none, ttl: 0, hook: false },
    ],
  ])('%s', (_name, method, cache, mode, want) => {
    expect(plain(cacheOverrideFor(method, cache, mode) as unknown as CacheOverride)).toEqual(want)
  })
})

describe('isHooksUnsupported', () => {
  it.each([
    [
      'HTTP caching API is not enabled for JavaScript; enable it with the --enable-http-cache flag',
      true,
    ],
    ['HTTP caching API is not enabled for this service; please contact support for help', true],
    ['connection refused', false],
  ])('%s → %s', (message, want) => {
    expect(isHooksUnsupported(new Error(message))).toBe(want)
  })
})
