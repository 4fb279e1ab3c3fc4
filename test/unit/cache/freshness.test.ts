import { describe, expect, it } from 'vitest'
import { edgeView } from '../../../src/cache/edge-view.ts'
import {
  chooseStored,
  mayServeStaleOnError,
  PolicyFactory,
  type PolicyRequest,
  variantKeyFor,
  varySignature,
} from '../../../src/cache/freshness.ts'
import type { StoredResponse } from '../../../src/cache/store.ts'
import type { RouteCacheConfig } from '../../../src/config/types.ts'
import { EPOCH, FakeClock } from '../../fakes/fake-clock.ts'

const req = (headers: Record<string, string> = {}): PolicyRequest => ({
  url: '/a',
  method: 'GET',
  headers: { host: 'gw.test', ...headers },
})

interface EntryOptions {
  request?: Record<string, string>
  status?: number
  cache?: RouteCacheConfig
  softPurged?: boolean
  body?: string
}

/** Stores a response the way the filler does: edge view, policy, variant key. */
function makeEntry(
  factory: PolicyFactory,
  headers: Record<string, string>,
  options: EntryOptions = {}
): StoredResponse {
  const preq = req(options.request)
  const status = options.status ?? 200
  const view = edgeView(headers, options.cache ?? 'origin', EPOCH)
  const policy = factory.create(preq, { status, headers: view.policyHeaders }).toObject()
  return {
    primaryKey: 'gw.test/a',
    variantKey: variantKeyFor('gw.test/a', policy.resh.vary, preq)!,
    status,
    headers: Object.entries(headers),
    body: new TextEncoder().encode(options.body ?? 'x'),
    policy,
    mustRevalidate: view.mustRevalidate,
    staleIfError: view.staleIfError,
    staleWhenDisconnected: view.staleWhenDisconnected,
    surrogateKeys: [],
    softPurged: options.softPurged ?? false,
    usefulUntil: Number.POSITIVE_INFINITY,
  }
}

const setup = () => {
  const clock = new FakeClock()
  return { clock, factory: new PolicyFactory(clock) }
}

describe('varySignature', () => {
  it.each<[string | undefined, Record<string, string>, string | null]>([
    [undefined, { 'accept-language': 'en' }, ''],
    ['', {}, ''],
    ['Accept-Language', { 'accept-language': 'en' }, 'accept-language:en'],
    ['accept-language', {}, 'accept-language:'],
    [
      'Accept-Encoding, Accept-Language',
      { 'accept-language': 'fr', 'accept-encoding': 'gzip' },
      'accept-encoding:gzip\naccept-language:fr',
    ],
    [
      'accept-language, accept-encoding',
      { 'accept-language': 'fr', 'accept-encoding': 'gzip' },
      'accept-encoding:gzip\naccept-language:fr',
    ],
    ['accept-language', { 'accept-language': ' en ,  fr ' }, 'accept-language:en,fr'],
    ['accept-language', { 'accept-language': 'en   GB' }, 'accept-language:en GB'],
    ['accept, ,', { accept: 'text/html' }, 'accept:text/html'],
    ['*', {}, null],
    ['Accept, *', { accept: 'text/html' }, null],
  ])('%j with %j', (vary, headers, want) => {
    expect(varySignature(vary, req(headers))).toBe(want)
  })
})

describe('variantKeyFor', () => {
  it('appends the Vary signature to the primary key', () => {
    expect(variantKeyFor('gw.test/a', undefined, req())).toBe('gw.test/a\n')
    expect(variantKeyFor('gw.test/a', 'accept', req({ accept: 'a/b' }))).toBe(
      'gw.test/a\naccept:a/b'
    )
  })

  it('has no key for Vary: *', () => {
    expect(variantKeyFor('gw.test/a', '*', req())).toBeNull()
  })
})

describe('PolicyFactory', () => {
  it('ages policies by the injected clock, created or restored', () => {
    const { clock, factory } = setup()
    const entry = makeEntry(factory, { 'cache-control': 'max-age=60' })
    const policy = factory.restore(entry)
    expect(policy.age()).toBe(0)
    expect(entry.policy.t).toBe(clock.now())
    clock.advance(10_000)
    expect(policy.age()).toBe(10)
    expect(factory.restore(entry).age()).toBe(10)
    expect(policy.stale()).toBe(false)
    clock.advance(50_000)
    expect(policy.stale()).toBe(true)
  })

  it('counts an Age the origin sent', () => {
    const { clock, factory } = setup()
    const entry = makeEntry(factory, { 'cache-control': 'max-age=60', age: '50' })
    clock.advance(5000)
    expect(factory.restore(entry).age()).toBe(55)
  })
})

describe('chooseStored', () => {
  interface Case {
    name: string
    headers: Record<string, string>
    options?: EntryOptions
    /** Seconds between storing and asking. */
    after: number
    request?: Record<string, string>
    want: string | undefined
  }

  it.each<Case>([
    { name: 'fresh', headers: { 'cache-control': 'max-age=60' }, after: 59, want: 'fresh' },
    { name: 'expired', headers: { 'cache-control': 'max-age=60' }, after: 60, want: 'revalidate' },
    {
      name: 's-maxage beats max-age',
      headers: { 'cache-control': 'max-age=10, s-maxage=100' },
      after: 50,
      want: 'fresh',
    },
    {
      name: 'no-cache response',
      headers: { 'cache-control': 'no-cache', etag: '"a"' },
      after: 0,
      want: 'revalidate',
    },
    {
      name: 'in the stale-while-revalidate window',
      headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30' },
      after: 89,
      want: 'stale-while-revalidate',
    },
    {
      name: 'past the stale-while-revalidate window',
      headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30' },
      after: 90,
      want: 'revalidate',
    },
    {
      name: 'must-revalidate while fresh (RFC 9111 §5.2.2.2)',
      headers: { 'cache-control': 'max-age=60, must-revalidate' },
      after: 30,
      want: 'fresh',
    },
    {
      name: 'must-revalidate beats stale-while-revalidate',
      headers: { 'cache-control': 'max-age=60, must-revalidate, stale-while-revalidate=30' },
      after: 61,
      want: 'revalidate',
    },
    {
      name: 'request no-cache',
      headers: { 'cache-control': 'max-age=60' },
      request: { 'cache-control': 'no-cache' },
      after: 0,
      want: 'revalidate',
    },
    {
      name: 'request Pragma: no-cache',
      headers: { 'cache-control': 'max-age=60' },
      request: { pragma: 'no-cache' },
      after: 0,
      want: 'revalidate',
    },
    {
      name: 'request max-age older than the entry',
      headers: { 'cache-control': 'max-age=60' },
      request: { 'cache-control': 'max-age=5' },
      after: 6,
      want: 'revalidate',
    },
    {
      name: 'request max-stale accepts stale',
      headers: { 'cache-control': 'max-age=60' },
      request: { 'cache-control': 'max-stale=30' },
      after: 70,
      want: 'fresh',
    },
    {
      name: 'soft-purged while fresh',
      headers: { 'cache-control': 'max-age=60', etag: '"a"' },
      options: { softPurged: true },
      after: 0,
      want: 'revalidate',
    },
    {
      name: 'soft-purged while fresh, with stale-while-revalidate',
      headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30' },
      options: { softPurged: true },
      after: 0,
      want: 'stale-while-revalidate',
    },
    {
      name: 'soft-purged in the stale-while-revalidate window',
      headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30' },
      options: { softPurged: true },
      after: 80,
      want: 'stale-while-revalidate',
    },
    {
      name: 'soft-purged past the stale-while-revalidate window',
      headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30', etag: '"a"' },
      options: { softPurged: true },
      after: 3600,
      want: 'revalidate',
    },
    {
      name: 'soft-purged with must-revalidate',
      headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30, must-revalidate' },
      options: { softPurged: true },
      after: 0,
      want: 'revalidate',
    },
    {
      name: 'another variant',
      headers: { 'cache-control': 'max-age=60', vary: 'accept-language' },
      options: { request: { 'accept-language': 'en' } },
      request: { 'accept-language': 'fr' },
      after: 0,
      want: undefined,
    },
    {
      name: 'the same variant',
      headers: { 'cache-control': 'max-age=60', vary: 'accept-language' },
      options: { request: { 'accept-language': 'en' } },
      request: { 'accept-language': 'en' },
      after: 0,
      want: 'fresh',
    },
  ])('$name → $want', ({ headers, options, after, request, want }) => {
    const { clock, factory } = setup()
    const entry = makeEntry(factory, headers, options)
    clock.advance(after * 1000)
    expect(chooseStored([entry], req(request), factory)?.kind).toBe(want)
  })

  it('finds nothing among no entries', () => {
    const { factory } = setup()
    expect(chooseStored([], req(), factory)).toBeUndefined()
  })

  it('takes the first entry that matches the request variant', () => {
    const { factory } = setup()
    const vary = { 'cache-control': 'max-age=60', vary: 'accept-language' }
    const en = makeEntry(factory, vary, { request: { 'accept-language': 'en' }, body: 'en' })
    const fr = makeEntry(factory, vary, { request: { 'accept-language': 'fr' }, body: 'fr' })
    const decision = chooseStored([en, fr], req({ 'accept-language': 'fr' }), factory)
    expect(decision?.entry).toBe(fr)
    expect(decision?.policy.age()).toBe(0)
  })

  it('skips an entry whose Vary changed the key it was stored under', () => {
    const { factory } = setup()
    const entry = makeEntry(factory, { 'cache-control': 'max-age=60' })
    const wrong = { ...entry, variantKey: 'gw.test/a\naccept:x' }
    expect(chooseStored([wrong, entry], req(), factory)?.entry).toBe(entry)
  })
})

describe('mayServeStaleOnError', () => {
  it.each<[string, Record<string, string>, number, boolean]>([
    ['within stale-if-error', { 'cache-control': 'max-age=60, stale-if-error=300' }, 359, true],
    ['past stale-if-error', { 'cache-control': 'max-age=60, stale-if-error=300' }, 360, false],
    ['without stale-if-error', { 'cache-control': 'max-age=60' }, 61, false],
    [
      'must-revalidate',
      { 'cache-control': 'max-age=60, stale-if-error=300, must-revalidate' },
      61,
      false,
    ],
  ])('%s', (_name, headers, after, want) => {
    const { clock, factory } = setup()
    const entry = makeEntry(factory, headers)
    clock.advance(after * 1000)
    expect(mayServeStaleOnError(entry, factory.restore(entry))).toBe(want)
  })
})
