import { describe, expect, it } from 'vitest'
import { edgeView, TARGETED_FIELDS } from '../../../src/cache/edge-view.ts'
import type { RouteCacheConfig } from '../../../src/config/types.ts'
import { EPOCH } from '../../fakes/fake-clock.ts'

interface Case {
  name: string
  headers: Record<string, string>
  cache?: RouteCacheConfig
  /** The Cache-Control the RFC 9111 decisions see; undefined when there is none. */
  cc: string | undefined
  mustRevalidate?: boolean
  staleIfError?: number
  routeKeys?: string[]
}

describe('edgeView', () => {
  it.each<Case>([
    { name: 'plain Cache-Control', headers: { 'cache-control': 'max-age=60' }, cc: 'max-age=60' },
    { name: 'no caching headers', headers: { 'content-type': 'text/plain' }, cc: undefined },
    {
      name: 'Surrogate-Control replaces Cache-Control',
      headers: { 'cache-control': 'no-store', 'surrogate-control': 'max-age=3600' },
      cc: 'max-age=3600',
    },
    {
      name: 'CDN-Cache-Control replaces Cache-Control',
      headers: { 'cache-control': 'private', 'cdn-cache-control': 'max-age=30' },
      cc: 'max-age=30',
    },
    {
      name: 'CDN-Cache-Control beats Surrogate-Control',
      headers: {
        'cache-control': 'max-age=1',
        'surrogate-control': 'max-age=2',
        'cdn-cache-control': 'max-age=3',
      },
      cc: 'max-age=3',
    },
    {
      // RFC 9213 §2.1: the first targeted field with a non-empty value applies.
      name: 'an empty targeted field is skipped for Cache-Control',
      headers: { 'cache-control': 'max-age=60', 'cdn-cache-control': '' },
      cc: 'max-age=60',
    },
    {
      name: 'an empty targeted field is skipped for the next one',
      headers: { 'cdn-cache-control': ' , ', 'surrogate-control': 'max-age=5' },
      cc: 'max-age=5',
    },
    {
      name: 'a targeted field of directives without freshness still replaces Cache-Control',
      headers: { 'cache-control': 'max-age=60', 'cdn-cache-control': 'public' },
      cc: 'public',
    },
    {
      name: 'must-revalidate becomes a flag',
      headers: { 'cache-control': 'max-age=60, must-revalidate' },
      cc: 'max-age=60',
      mustRevalidate: true,
    },
    {
      name: 'proxy-revalidate becomes a flag',
      headers: { 'cache-control': 'proxy-revalidate, s-maxage=10' },
      cc: 's-maxage=10',
      mustRevalidate: true,
    },
    {
      name: 'must-revalidate alone leaves no Cache-Control',
      headers: { 'cache-control': 'must-revalidate' },
      cc: undefined,
      mustRevalidate: true,
    },
    {
      name: 'stale-if-error becomes a number',
      headers: { 'cache-control': 'max-age=60, stale-if-error=300' },
      cc: 'max-age=60',
      staleIfError: 300,
    },
    {
      name: 'a malformed stale-if-error counts as none',
      headers: { 'cache-control': 'max-age=60, stale-if-error=soon' },
      cc: 'max-age=60',
      staleIfError: 0,
    },
    {
      name: 'stale-if-error read from the targeted field only',
      headers: {
        'cache-control': 'max-age=60, stale-if-error=300',
        'surrogate-control': 'max-age=600',
      },
      cc: 'max-age=600',
      staleIfError: 0,
    },
    {
      name: 'stale-while-revalidate passes through',
      headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30' },
      cc: 'max-age=60, stale-while-revalidate=30',
    },
    {
      name: 'route override gives freshness to a response without any',
      headers: {},
      cache: { ttl: 60 },
      cc: 'public, s-maxage=60',
    },
    {
      name: 'route override replaces the origin freshness',
      headers: { 'cache-control': 'max-age=5, no-cache, stale-while-revalidate=9' },
      cache: { ttl: 120, staleWhileRevalidate: 30, staleIfError: 600, keys: ['posts'] },
      cc: 'public, s-maxage=120, stale-while-revalidate=30',
      staleIfError: 600,
      routeKeys: ['posts'],
    },
    {
      name: 'route override keeps private',
      headers: { 'cache-control': 'private, max-age=5' },
      cache: { ttl: 60 },
      cc: 'private, public, s-maxage=60',
    },
    {
      name: 'route override keeps no-store',
      headers: { 'cache-control': 'no-store' },
      cache: { ttl: 60 },
      cc: 'no-store, public, s-maxage=60',
    },
    {
      name: 'route override keeps must-revalidate',
      headers: { 'cache-control': 'must-revalidate' },
      cache: { ttl: 60 },
      cc: 'public, s-maxage=60',
      mustRevalidate: true,
    },
    {
      name: 'cache false reads the origin headers as they are',
      headers: { 'cache-control': 'max-age=60' },
      cache: false,
      cc: 'max-age=60',
    },
  ])('$name', ({ headers, cache = 'origin', cc, mustRevalidate, staleIfError, routeKeys }) => {
    const view = edgeView(headers, cache, EPOCH)
    expect(view.policyHeaders['cache-control']).toBe(cc)
    expect(view.mustRevalidate).toBe(mustRevalidate ?? false)
    expect(view.staleIfError).toBe(staleIfError ?? 0)
    expect(view.routeKeys).toEqual(routeKeys ?? [])
  })

  it('drops the targeted fields and Pragma when a targeted field applies', () => {
    const view = edgeView(
      {
        'cache-control': 'no-cache',
        pragma: 'no-cache',
        'cdn-cache-control': 'max-age=60',
        'surrogate-control': 'max-age=30',
        etag: '"a"',
      },
      'origin',
      EPOCH
    )
    expect(view.policyHeaders).toEqual({ 'cache-control': 'max-age=60', etag: '"a"' })
  })

  it('ignores Expires when a targeted field applies (RFC 9213 §2.1)', () => {
    const view = edgeView(
      { 'cdn-cache-control': 'public', expires: 'Wed, 01 Jan 2025 01:00:00 GMT' },
      'origin',
      EPOCH
    )
    expect(view.policyHeaders).toEqual({ 'cache-control': 'public' })
  })

  it('keeps Pragma and Expires when the origin headers apply', () => {
    const headers = { pragma: 'no-cache', expires: 'Wed, 01 Jan 2025 00:01:00 GMT' }
    expect(edgeView(headers, 'origin', EPOCH).policyHeaders).toEqual(headers)
  })

  it('drops Expires and Pragma under a route override', () => {
    const view = edgeView(
      { pragma: 'no-cache', expires: 'Wed, 01 Jan 2025 00:01:00 GMT', etag: '"a"' },
      { ttl: 10 },
      EPOCH
    )
    expect(view.policyHeaders).toEqual({ 'cache-control': 'public, s-maxage=10', etag: '"a"' })
  })

  it('does not modify the headers it is given', () => {
    const headers = { 'cache-control': 'max-age=1, must-revalidate', 'surrogate-control': 'x' }
    edgeView(headers, { ttl: 5 }, EPOCH)
    expect(headers).toEqual({
      'cache-control': 'max-age=1, must-revalidate',
      'surrogate-control': 'x',
    })
  })

  it('lists the targeted fields most specific first', () => {
    expect(TARGETED_FIELDS).toEqual(['cdn-cache-control', 'surrogate-control'])
  })
})
