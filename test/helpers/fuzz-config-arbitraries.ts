/**
 * Generators for `gripgate.config.json`: documents shaped like the config whose fields take
 * random types and values here and there (`configDocument`), and plausible configs that
 * mostly parse, with odd but valid values (`plausibleConfig`), to check that whatever the
 * parser accepts also works.
 */
import fc from 'fast-check'
import { anyNumber, anyString, base64ish, mostly, someOf, trickyKey } from './fuzz-arbitraries.ts'

/** The environment `{ "env": … }` secrets resolve from in the properties. */
export const CONFIG_ENV: Record<string, string> = {
  GRIP_KEY: 'grip-secret',
  PUBLISH_KEY: 'publish-secret',
  EMPTY: '',
}

/** An environment: the fixed one, or random names and values. */
export const configEnv = fc.oneof(
  fc.constant(CONFIG_ENV),
  fc.dictionary(
    fc.oneof(anyString(10), fc.constantFrom('GRIP_KEY', 'PUBLISH_KEY')),
    anyString(10),
    {
      maxKeys: 3,
    }
  )
)

const originName = fc.oneof(fc.constantFrom('app', 'api', 'a.b-c'), anyString(8), trickyKey)
const url = fc.oneof(
  fc.constantFrom(
    'http://127.0.0.1:9000',
    'https://origin.example/base/',
    'http://[::1]:8080',
    'http://:80',
    'ftp://x',
    'http://a b',
    'http://x/?q',
    'http://x/#f'
  ),
  anyString(30)
)
const routePath = fc.oneof(
  fc.constantFrom('/*', '/api/*', '/exact', '/a*b', '*', '/**', '/%2e%2e/*', '/:id', '/{x}'),
  anyString(20)
)
const hostName = fc.oneof(fc.constantFrom('gw.test', 'GW.TEST:8080', '[::1]', 'a b'), anyString(15))
const secret = fc.oneof(
  fc.constantFrom('changeme', 'base64:', 'base64:!!', 'base64:AAAA', ''),
  base64ish.map((b64) => `base64:${b64}`),
  fc.record({
    env: fc.oneof(fc.constantFrom('GRIP_KEY', 'PUBLISH_KEY', 'EMPTY', 'UNSET', '1X'), anyString(8)),
  }),
  anyString(20)
)
const count = fc.oneof(fc.constantFrom(0, 1, -1, 1.5, 2 ** 53, 1e308), anyNumber)
const cacheRule = fc.oneof(
  fc.constantFrom('origin', false, true, 'none'),
  someOf({
    ttl: mostly(count),
    staleWhileRevalidate: mostly(count),
    staleIfError: mostly(count),
    keys: mostly(fc.array(mostly(anyString(10)), { maxLength: 3 })),
  })
)

/** A config-shaped document with fields of random types and values here and there. */
export const configDocument = someOf({
  $schema: mostly(anyString(20)),
  origins: mostly(
    fc.dictionary(
      originName,
      mostly(someOf({ url: mostly(url), timeoutMs: mostly(count), hostHeader: mostly(hostName) })),
      { maxKeys: 3 }
    )
  ),
  routes: mostly(
    fc.array(
      mostly(
        someOf({
          path: mostly(routePath),
          host: mostly(hostName),
          origin: mostly(originName),
          cache: mostly(cacheRule),
          realtime: mostly(fc.boolean()),
        })
      ),
      { maxLength: 3 }
    )
  ),
  grip: mostly(someOf({ key: mostly(secret), iss: mostly(anyString(10)) })),
  publish: mostly(
    someOf({
      path: mostly(routePath),
      keys: mostly(fc.array(mostly(secret), { maxLength: 2 })),
      purge: mostly(
        someOf({
          channels: mostly(fc.boolean()),
          keys: mostly(
            fc.dictionary(anyString(8), mostly(fc.array(anyString(8), { maxLength: 2 })))
          ),
          soft: mostly(fc.boolean()),
        })
      ),
    })
  ),
  cache: mostly(someOf({ maxBytes: mostly(count), maxObjectBytes: mostly(count) })),
  limits: mostly(
    someOf({
      maxConnections: mostly(count),
      subscriptionsPerConnection: mostly(count),
      subscriberQueueBytes: mostly(count),
    })
  ),
})

/** Paths that are valid config but may trip a router: parameters, regex braces, wildcards. */
const oddPath = fc.oneof(
  fc.constantFrom(
    '/publish/',
    '/pub',
    '/:id',
    '/:id{[0-9]+}',
    '/{(}',
    '/a/*',
    '/%41',
    '/a?b',
    '/ü',
    '/a b'
  ),
  anyString(15).map((text) => `/${text}`)
)
const validSecret = fc.oneof(
  fc.constantFrom('changeme', 'base64:c2VjcmV0', 'base64:', 'base64:!!', 'x'),
  fc.record({ env: fc.constantFrom('GRIP_KEY', 'PUBLISH_KEY') }),
  anyString(20).filter((text) => text.length > 0)
)

/** Configs that mostly parse, with odd but valid values. */
export const plausibleConfig = fc
  .record({
    url: fc.constantFrom('http://origin.test', 'https://origin.test/base/', 'http://[::1]:9'),
    routes: fc.array(
      fc.record(
        {
          path: fc.oneof(
            fc.constantFrom('/*', '/api/*', '/x'),
            oddPath.map((p) => `${p}*`),
            oddPath
          ),
          host: fc.constantFrom('gw.test', 'GW.TEST', 'gw.test:80'),
          cache: fc.oneof(
            fc.constantFrom('origin', false),
            fc.record({
              ttl: fc.nat({ max: 10 ** 9 }),
              keys: fc.array(fc.constantFrom('k', 'ü'), { maxLength: 2 }),
            })
          ),
          realtime: fc.boolean(),
        },
        { requiredKeys: ['path'] }
      ),
      { minLength: 1, maxLength: 3 }
    ),
    grip: fc.option(fc.record({ key: validSecret, iss: fc.constantFrom('gripgate', 'ü', 'x y') }), {
      nil: undefined,
    }),
    publish: fc.option(
      fc.record({ path: oddPath, keys: fc.array(validSecret, { minLength: 1, maxLength: 2 }) }),
      {
        nil: undefined,
      }
    ),
    cache: fc.record({ maxBytes: fc.integer({ min: 1, max: 2 ** 31 }) }),
    limits: fc.record(
      {
        maxConnections: fc.integer({ min: 1, max: 2 ** 31 }),
        subscriptionsPerConnection: fc.integer({ min: 1, max: 1000 }),
        subscriberQueueBytes: fc.integer({ min: 1, max: 2 ** 31 }),
      },
      { requiredKeys: [] }
    ),
  })
  .map(({ url, routes, grip, publish, cache, limits }) => ({
    origins: { app: { url } },
    routes: routes.map((route) => ({ ...route, origin: 'app' })),
    ...(grip ? { grip } : {}),
    ...(publish ? { publish } : {}),
    cache,
    limits,
  }))
