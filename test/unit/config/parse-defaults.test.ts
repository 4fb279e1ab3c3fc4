import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../../src/config/parse.ts'
import type { GatewayConfig } from '../../../src/config/types.ts'
import { base, fixture, URL_APP, withOrigin, withRoute } from './helpers.ts'

const MIB = 1024 * 1024

function parsed(raw: unknown, env: Record<string, string> = {}): GatewayConfig {
  const result = parseConfig(raw, env)
  if (!result.ok) throw new Error(JSON.stringify(result.error))
  return result.value
}

describe('parseConfig defaults', () => {
  it('fills every default of the minimal fixture', () => {
    expect(parsed(fixture('minimal.json'))).toStrictEqual({
      origins: { app: { url: URL_APP, timeoutMs: 30_000, idleTimeoutMs: 30_000 } },
      routes: [{ path: '/*', origin: 'app', cache: 'origin' }],
      grip: { key: 'k', iss: 'gripgate' },
      publish: {
        path: '/publish/',
        keys: ['p'],
        purge: { channels: true, keys: {}, soft: false },
        public: true,
      },
      cache: { maxBytes: 64 * MIB, maxObjectBytes: 8 * MIB, requestDirectives: 'ignore' },
      limits: {
        maxConnections: 50_000,
        subscriptionsPerConnection: 20,
        subscriberQueueBytes: MIB,
        wsMessageBytes: MIB,
        wsQueueBytes: MIB,
      },
      trustedProxies: [],
    })
  })

  it('leaves grip and publish absent when the file omits them', () => {
    const config = parsed(base)
    expect(Object.keys(config).sort()).toEqual([
      'cache',
      'limits',
      'origins',
      'routes',
      'trustedProxies',
    ])
  })

  it('reads the publish purge settings', () => {
    const config = parsed({
      ...base,
      publish: {
        keys: ['p'],
        purge: { channels: false, keys: { news: ['front-page'] }, soft: true },
      },
    })
    expect(config.publish?.purge).toEqual({
      channels: false,
      keys: { news: ['front-page'] },
      soft: true,
    })
  })

  it.each([
    {
      name: 'timeoutMs',
      raw: withOrigin({ timeoutMs: 250 }),
      pick: (c: GatewayConfig) => c.origins.app?.timeoutMs,
      want: 250,
    },
    {
      name: 'idleTimeoutMs',
      raw: withOrigin({ idleTimeoutMs: 5000 }),
      pick: (c: GatewayConfig) => c.origins.app?.idleTimeoutMs,
      want: 5000,
    },
    {
      name: 'trustedProxies',
      raw: { ...base, trustedProxies: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'] },
      pick: (c: GatewayConfig) => c.trustedProxies,
      want: ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8'],
    },
    {
      name: 'route cache false',
      raw: withRoute({ cache: false }),
      pick: (c: GatewayConfig) => c.routes[0]?.cache,
      want: false,
    },
    {
      name: 'route cache override without optional fields',
      raw: withRoute({ cache: { ttl: 0 } }),
      pick: (c: GatewayConfig) => c.routes[0]?.cache,
      want: { ttl: 0 },
    },
    {
      name: 'grip iss',
      raw: { ...base, grip: { key: 'k', iss: 'me' } },
      pick: (c: GatewayConfig) => c.grip,
      want: { key: 'k', iss: 'me' },
    },
    {
      name: 'publish path',
      raw: { ...base, publish: { path: '/pub', keys: ['a', 'b'] } },
      pick: (c: GatewayConfig) => c.publish,
      want: {
        path: '/pub',
        keys: ['a', 'b'],
        purge: { channels: true, keys: {}, soft: false },
        public: true,
      },
    },
    {
      name: 'maxObjectBytes defaults to maxBytes when that is below 8 MiB',
      raw: { ...base, cache: { maxBytes: MIB } },
      pick: (c: GatewayConfig) => c.cache,
      want: { maxBytes: MIB, maxObjectBytes: MIB, requestDirectives: 'ignore' },
    },
    {
      name: 'maxObjectBytes keeps its 8 MiB default under a large maxBytes',
      raw: { ...base, cache: { maxBytes: 128 * MIB } },
      pick: (c: GatewayConfig) => c.cache,
      want: { maxBytes: 128 * MIB, maxObjectBytes: 8 * MIB, requestDirectives: 'ignore' },
    },
    {
      name: 'maxObjectBytes equal to maxBytes',
      raw: { ...base, cache: { maxBytes: 100, maxObjectBytes: 100 } },
      pick: (c: GatewayConfig) => c.cache,
      want: { maxBytes: 100, maxObjectBytes: 100, requestDirectives: 'ignore' },
    },
  ])('keeps an explicit or derived value: $name', ({ raw, pick, want }) => {
    expect(pick(parsed(raw))).toStrictEqual(want)
  })

  it('accepts and drops a top-level $schema', () => {
    expect(parsed({ $schema: './gripgate.config.schema.json', ...base })).not.toHaveProperty(
      '$schema'
    )
  })

  it('parses the full fixture, resolving env secrets', () => {
    const env = { GRIP_KEY: 'grip-secret', PUBLISH_KEY: 'publish-secret' }
    expect(parsed(fixture('full.json'), env)).toStrictEqual({
      origins: {
        app: { url: URL_APP, timeoutMs: 5000, hostHeader: 'app.internal', idleTimeoutMs: 30_000 },
        'static assets': {
          url: 'https://assets.example.com/v1',
          timeoutMs: 30_000,
          idleTimeoutMs: 30_000,
        },
      },
      routes: [
        { path: '/api/stream', origin: 'app', cache: false, realtime: true },
        {
          path: '/api/*',
          host: 'example.com',
          origin: 'app',
          cache: { ttl: 60, staleWhileRevalidate: 30, staleIfError: 300, keys: ['api', 'v1'] },
        },
        { path: '/assets/*', origin: 'static assets', cache: 'origin' },
        { path: '/*', origin: 'app', cache: 'origin' },
      ],
      grip: { key: 'grip-secret', iss: 'edge-1' },
      publish: {
        path: '/_publish/',
        keys: ['inline-key', 'publish-secret'],
        purge: { channels: true, keys: { 'item-*': ['items'] }, soft: true },
        public: true,
      },
      cache: { maxBytes: 32 * MIB, maxObjectBytes: MIB, requestDirectives: 'honor' },
      limits: {
        maxConnections: 1000,
        subscriptionsPerConnection: 5,
        subscriberQueueBytes: 65536,
        wsMessageBytes: MIB,
        wsQueueBytes: MIB,
      },
      trustedProxies: [],
    })
  })
})

describe('parseConfig history', () => {
  it('fills the history defaults and keeps per-pattern overrides as given', () => {
    expect(parsed({ ...base, history: {} }).history).toStrictEqual({
      size: 100,
      ttlSeconds: 300,
      maxChannels: 10_000,
      channels: {},
    })
    const config = parsed({
      ...base,
      history: { size: 10, channels: { 'chat-*': { size: 1000 }, lobby: { ttlSeconds: 5 } } },
    })
    expect(config.history?.channels).toStrictEqual({
      'chat-*': { size: 1000 },
      lobby: { ttlSeconds: 5 },
    })
    expect(parsed(base).history).toBeUndefined()
  })

  it('refuses bad history fields with their path', () => {
    const problems = (raw: unknown) => {
      const result = parseConfig({ ...base, history: raw }, {})
      return result.ok ? [] : result.error.map((p) => p.path)
    }
    expect(problems({ size: -1 })).toEqual(['$.history.size'])
    expect(problems({ ttlSeconds: 0 })).toEqual(['$.history.ttlSeconds'])
    expect(problems({ channels: { 'a*': { size: 'x' } } })).toEqual([
      '$.history.channels["a*"].size',
    ])
    expect(problems({ sizes: 1 })).toEqual(['$.history.sizes'])
  })
})
