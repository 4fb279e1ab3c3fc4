import { describe, expect, it } from 'vitest'
import { base, problemsOf, URL_APP, withOrigin } from './helpers.ts'

type Case = { name: string; raw: unknown; want: [string, string][] }

const URL_HINT = 'expected an absolute http: or https: URL such as "http://127.0.0.1:9000", got'

const documentCases: Case[] = [
  { name: 'null', raw: null, want: [['$', 'expected an object, got null']] },
  { name: 'an array', raw: [], want: [['$', 'expected an object, got an array']] },
  {
    name: 'an empty object',
    raw: {},
    want: [
      ['$.origins', 'required field is missing'],
      ['$.routes', 'required field is missing'],
    ],
  },
  {
    name: 'a misspelt section',
    raw: { ...base, pubish: {} },
    want: [['$.pubish', 'unknown field "pubish"; did you mean "publish"?']],
  },
  {
    name: 'an unknown section far from any name',
    raw: { ...base, telemetry: {} },
    want: [
      [
        '$.telemetry',
        'unknown field "telemetry"; expected one of: $schema, origins, routes, grip, publish, cache, limits, cluster, trustedProxies, history, admin',
      ],
    ],
  },
  {
    name: '$schema not a string',
    raw: { ...base, $schema: 5 },
    want: [['$.$schema', 'expected a string, got number 5']],
  },
]

const originCases: Case[] = [
  {
    name: 'origins an array',
    raw: { ...base, origins: [] },
    want: [['$.origins', 'expected an object, got an array']],
  },
  {
    name: 'origin a string',
    raw: { ...base, origins: { app: URL_APP } },
    want: [['$.origins.app', `expected an object, got string "${URL_APP}"`]],
  },
  {
    name: 'url missing',
    raw: { ...base, origins: { app: {} } },
    want: [['$.origins.app.url', 'required field is missing']],
  },
  {
    name: 'url a number',
    raw: withOrigin({ url: 9000 }),
    want: [['$.origins.app.url', 'expected a string, got number 9000']],
  },
  {
    name: 'url ftp',
    raw: withOrigin({ url: 'ftp://x' }),
    want: [['$.origins.app.url', `${URL_HINT} "ftp://x"`]],
  },
  {
    name: 'url without scheme',
    raw: withOrigin({ url: 'localhost:9000' }),
    want: [['$.origins.app.url', `${URL_HINT} "localhost:9000"`]],
  },
  {
    name: 'url with query',
    raw: withOrigin({ url: 'http://a/b?c=1' }),
    want: [['$.origins.app.url', 'must not have a query string, got "http://a/b?c=1"']],
  },
  {
    name: 'url with fragment',
    raw: withOrigin({ url: 'http://a/#top' }),
    want: [['$.origins.app.url', 'must not have a fragment, got "http://a/#top"']],
  },
  {
    name: 'url with a space',
    raw: withOrigin({ url: 'http://a b' }),
    want: [['$.origins.app.url', 'expected an absolute http: or https: URL, got "http://a b"']],
  },
  {
    name: 'url that WHATWG URL rejects',
    raw: withOrigin({ url: 'http://:80' }),
    want: [['$.origins.app.url', 'expected an absolute http: or https: URL, got "http://:80"']],
  },
  {
    name: 'timeoutMs a string',
    raw: withOrigin({ timeoutMs: 'abc' }),
    want: [['$.origins.app.timeoutMs', 'expected a number, got string "abc"']],
  },
  {
    name: 'timeoutMs fractional',
    raw: withOrigin({ timeoutMs: 1.5 }),
    want: [['$.origins.app.timeoutMs', 'expected an integer, got number 1.5']],
  },
  {
    name: 'timeoutMs zero',
    raw: withOrigin({ timeoutMs: 0 }),
    want: [['$.origins.app.timeoutMs', 'must be greater than 0, got 0']],
  },
  {
    name: 'idleTimeoutMs zero',
    raw: withOrigin({ idleTimeoutMs: 0 }),
    want: [['$.origins.app.idleTimeoutMs', 'must be greater than 0, got 0']],
  },
  {
    name: 'trustedProxies entry not an address',
    raw: { ...base, trustedProxies: ['127.0.0.1', 'proxy.example'] },
    want: [
      [
        '$.trustedProxies[1]',
        'expected an IP address or CIDR range, such as "10.0.0.0/8" or "127.0.0.1", got string "proxy.example"',
      ],
    ],
  },
  {
    name: 'trustedProxies prefix too long',
    raw: { ...base, trustedProxies: ['10.0.0.0/33'] },
    want: [
      [
        '$.trustedProxies[0]',
        'the prefix must be 0 to 32, such as "10.0.0.0/8" or "127.0.0.1", got string "10.0.0.0/33"',
      ],
    ],
  },
  {
    name: 'hostHeader empty',
    raw: withOrigin({ hostHeader: '' }),
    want: [['$.origins.app.hostHeader', 'must not be empty']],
  },
  {
    name: 'hostHeader a URL',
    raw: withOrigin({ hostHeader: 'http://a' }),
    want: [
      [
        '$.origins.app.hostHeader',
        'expected a host name such as "example.com", got string "http://a"',
      ],
    ],
  },
  {
    name: 'misspelt timeoutMs',
    raw: withOrigin({ tiemoutMs: 5 }),
    want: [['$.origins.app.tiemoutMs', 'unknown field "tiemoutMs"; did you mean "timeoutMs"?']],
  },
  {
    name: 'case-only typo',
    raw: withOrigin({ URL: URL_APP }),
    want: [['$.origins.app.URL', 'unknown field "URL"; did you mean "url"?']],
  },
  {
    name: 'empty origin name',
    raw: { ...base, origins: { '': { url: URL_APP }, app: { url: URL_APP } } },
    want: [['$.origins[""]', 'invalid name: must not be empty']],
  },
  {
    name: 'a name that needs brackets',
    raw: { ...base, origins: { app: { url: URL_APP }, 'my app': { url: 'x' } } },
    want: [['$.origins["my app"].url', `${URL_HINT} "x"`]],
  },
]

describe('parseConfig problems', () => {
  describe.each([
    ['the document', documentCases],
    ['origins', originCases],
  ] as const)('%s', (_section, cases) => {
    it.each(cases)('$name', ({ raw, want }) => {
      expect(problemsOf(raw)).toStrictEqual(want)
    })
  })

  it('reports every problem at once, in the order they appear in the file', () => {
    const raw = {
      routes: [
        { path: 'x', origin: 'nope', cache: { ttl: -1 } },
        { origin: 'app', path: '/*', extra: 1 },
      ],
      origins: { app: { timeoutMs: 'soon', url: 'ftp://a' } },
      cache: { maxBytes: -1 },
    }
    expect(problemsOf(raw)).toStrictEqual([
      ['$.routes[0].path', 'must start with "/", got string "x"'],
      ['$.routes[0].origin', 'unknown origin "nope"; defined origins: app'],
      ['$.routes[0].cache.ttl', 'must be at least 0, got -1'],
      [
        '$.routes[1].extra',
        'unknown field "extra"; expected one of: path, host, origin, cache, realtime',
      ],
      ['$.origins.app.timeoutMs', 'expected a number, got string "soon"'],
      ['$.origins.app.url', `${URL_HINT} "ftp://a"`],
      ['$.cache.maxBytes', 'must be greater than 0, got -1'],
    ])
  })

  it('shortens long values it quotes', () => {
    const [[, message]] = problemsOf(withOrigin({ url: `ftp://${'a'.repeat(100)}` })) as [
      [string, string],
    ]
    expect(message).toBe(`${URL_HINT} "ftp://${'a'.repeat(54)}…"`)
  })
})
