import { describe, expect, it } from 'vitest'
import { base, problemsOf, URL_APP, withRoute } from './helpers.ts'

type Case = { name: string; raw: unknown; want: [string, string][] }

const routeCases: Case[] = [
  {
    name: 'routes missing',
    raw: { origins: base.origins },
    want: [['$.routes', 'required field is missing']],
  },
  { name: 'routes empty', raw: { ...base, routes: [] }, want: [['$.routes', 'must not be empty']] },
  {
    name: 'routes an object',
    raw: { ...base, routes: {} },
    want: [['$.routes', 'expected an array, got an object']],
  },
  {
    name: 'route a string',
    raw: { ...base, routes: ['/*'] },
    want: [['$.routes[0]', 'expected an object, got string "/*"']],
  },
  {
    name: 'path missing',
    raw: { ...base, routes: [{ origin: 'app' }] },
    want: [['$.routes[0].path', 'required field is missing']],
  },
  {
    name: 'path relative',
    raw: withRoute({ path: 'api/*' }),
    want: [['$.routes[0].path', 'must start with "/", got string "api/*"']],
  },
  {
    name: 'path empty',
    raw: withRoute({ path: '' }),
    want: [['$.routes[0].path', 'must start with "/", got string ""']],
  },
  ...['/a/*/b', '/**', '/*x'].map((path) => ({
    name: `path ${path}`,
    raw: withRoute({ path }),
    want: [
      [
        '$.routes[0].path',
        `"*" may appear only once, as the last character (a prefix match), got "${path}"`,
      ],
    ] as [string, string][],
  })),
  {
    name: 'host empty',
    raw: withRoute({ host: '' }),
    want: [['$.routes[0].host', 'must not be empty']],
  },
  {
    name: 'host a URL',
    raw: withRoute({ host: 'https://a.com' }),
    want: [
      [
        '$.routes[0].host',
        'expected a host name such as "example.com", got string "https://a.com"',
      ],
    ],
  },
  {
    name: 'origin missing',
    raw: { ...base, routes: [{ path: '/' }] },
    want: [['$.routes[0].origin', 'required field is missing']],
  },
  {
    name: 'origin a number',
    raw: withRoute({ origin: 1 }),
    want: [['$.routes[0].origin', 'expected a string, got number 1']],
  },
  {
    name: 'origin empty',
    raw: withRoute({ origin: '' }),
    want: [['$.routes[0].origin', 'must not be empty']],
  },
  {
    name: 'origin undefined',
    raw: withRoute({ origin: 'ap' }),
    want: [['$.routes[0].origin', 'unknown origin "ap"; defined origins: app']],
  },
  {
    name: 'origin undefined among several',
    raw: {
      ...base,
      origins: { app: { url: URL_APP }, 'my app': { url: URL_APP } },
      routes: [{ path: '/', origin: 'web' }],
    },
    want: [['$.routes[0].origin', 'unknown origin "web"; defined origins: app, "my app"']],
  },
  {
    name: 'origin reference with no origins',
    raw: { origins: {}, routes: [{ path: '/', origin: 'app' }] },
    want: [['$.routes[0].origin', 'unknown origin "app"; no origins are defined']],
  },
  {
    name: 'unknown route field',
    raw: withRoute({ priority: 1 }),
    want: [
      [
        '$.routes[0].priority',
        'unknown field "priority"; expected one of: path, host, origin, cache, realtime',
      ],
    ],
  },
  {
    name: 'misspelt realtime',
    raw: withRoute({ realtme: true }),
    want: [['$.routes[0].realtme', 'unknown field "realtme"; did you mean "realtime"?']],
  },
  {
    name: 'realtime a string',
    raw: withRoute({ realtime: 'yes' }),
    want: [['$.routes[0].realtime', 'expected a boolean, got string "yes"']],
  },
]

const CACHE_HINT = 'expected "origin", false or an object such as { "ttl": 60 }, got'

const routeCacheCases: Case[] = [
  {
    name: 'cache a string',
    raw: withRoute({ cache: 'none' }),
    want: [['$.routes[0].cache', `${CACHE_HINT} string "none"`]],
  },
  {
    name: 'cache true',
    raw: withRoute({ cache: true }),
    want: [['$.routes[0].cache', `${CACHE_HINT} boolean true`]],
  },
  {
    name: 'cache null',
    raw: withRoute({ cache: null }),
    want: [['$.routes[0].cache', `${CACHE_HINT} null`]],
  },
  {
    name: 'ttl missing',
    raw: withRoute({ cache: {} }),
    want: [['$.routes[0].cache.ttl', 'required field is missing']],
  },
  {
    name: 'ttl negative',
    raw: withRoute({ cache: { ttl: -1 } }),
    want: [['$.routes[0].cache.ttl', 'must be at least 0, got -1']],
  },
  {
    name: 'ttl fractional',
    raw: withRoute({ cache: { ttl: 1.5 } }),
    want: [['$.routes[0].cache.ttl', 'expected an integer, got number 1.5']],
  },
  {
    name: 'ttl a string',
    raw: withRoute({ cache: { ttl: '60' } }),
    want: [['$.routes[0].cache.ttl', 'expected a number, got string "60"']],
  },
  {
    name: 'staleWhileRevalidate negative',
    raw: withRoute({ cache: { ttl: 1, staleWhileRevalidate: -2 } }),
    want: [['$.routes[0].cache.staleWhileRevalidate', 'must be at least 0, got -2']],
  },
  {
    name: 'staleIfError a boolean',
    raw: withRoute({ cache: { ttl: 1, staleIfError: true } }),
    want: [['$.routes[0].cache.staleIfError', 'expected a number, got boolean true']],
  },
  {
    name: 'keys a string',
    raw: withRoute({ cache: { ttl: 1, keys: 'a' } }),
    want: [['$.routes[0].cache.keys', 'expected an array, got string "a"']],
  },
  {
    name: 'key with a space',
    raw: withRoute({ cache: { ttl: 1, keys: ['ok', 'a b'] } }),
    want: [['$.routes[0].cache.keys[1]', 'must not contain whitespace, got string "a b"']],
  },
  {
    name: 'key empty',
    raw: withRoute({ cache: { ttl: 1, keys: [''] } }),
    want: [['$.routes[0].cache.keys[0]', 'must not be empty']],
  },
  {
    name: 'misspelt override field',
    raw: withRoute({ cache: { ttl: 1, stalIfError: 5 } }),
    want: [
      [
        '$.routes[0].cache.stalIfError',
        'unknown field "stalIfError"; did you mean "staleIfError"?',
      ],
    ],
  },
]

describe('parseConfig problems', () => {
  describe.each([
    ['routes', routeCases],
    ['route cache', routeCacheCases],
  ] as const)('%s', (_section, cases) => {
    it.each(cases)('$name', ({ raw, want }) => {
      expect(problemsOf(raw)).toStrictEqual(want)
    })
  })
})
