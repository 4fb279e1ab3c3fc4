import { describe, expect, it } from 'vitest'
import { base, problemsOf } from './helpers.ts'

type Case = { name: string; raw: unknown; want: [string, string][] }

const SECRET_HINT = 'expected a secret string or { "env": "NAME" }, got'

const gripPublishCases: Case[] = [
  {
    name: 'grip a string',
    raw: { ...base, grip: 'k' },
    want: [['$.grip', 'expected an object, got string "k"']],
  },
  {
    name: 'grip key missing',
    raw: { ...base, grip: {} },
    want: [['$.grip.key', 'required field is missing']],
  },
  {
    name: 'grip key a number',
    raw: { ...base, grip: { key: 5 } },
    want: [['$.grip.key', `${SECRET_HINT} number 5`]],
  },
  {
    name: 'grip key empty',
    raw: { ...base, grip: { key: '' } },
    want: [['$.grip.key', 'must not be empty']],
  },
  {
    name: 'grip key env misspelt',
    raw: { ...base, grip: { key: { evn: 'GRIP_KEY' } } },
    want: [
      ['$.grip.key.evn', 'unknown field "evn"; did you mean "env"?'],
      ['$.grip.key.env', 'required field is missing'],
    ],
  },
  {
    name: 'grip key env not a name',
    raw: { ...base, grip: { key: { env: 'GRIP-KEY' } } },
    want: [['$.grip.key.env', 'expected an environment variable name, got string "GRIP-KEY"']],
  },
  {
    name: 'grip iss empty',
    raw: { ...base, grip: { key: 'k', iss: '' } },
    want: [['$.grip.iss', 'must not be empty']],
  },
  {
    name: 'grip unknown field',
    raw: { ...base, grip: { key: 'k', aud: 'x' } },
    want: [['$.grip.aud', 'unknown field "aud"; expected one of: key, iss']],
  },
  {
    name: 'publish keys missing',
    raw: { ...base, publish: {} },
    want: [['$.publish.keys', 'required field is missing']],
  },
  {
    name: 'publish keys empty',
    raw: { ...base, publish: { keys: [] } },
    want: [['$.publish.keys', 'must not be empty']],
  },
  {
    name: 'publish key a number',
    raw: { ...base, publish: { keys: ['a', 7] } },
    want: [['$.publish.keys[1]', `${SECRET_HINT} number 7`]],
  },
  {
    name: 'publish path relative',
    raw: { ...base, publish: { path: 'publish', keys: ['a'] } },
    want: [['$.publish.path', 'must start with "/", got string "publish"']],
  },
  // Found by the config fuzz (issue #12): the path is mounted as a Hono route, so "/:id"
  // turned every one-segment POST (POST /login) into a publish answered 401, and "/pub/*"
  // made every path below it a publish endpoint.
  ...['/:id', '/pub/*', '/p{[0-9]+}', '/pub?', '/a b'].map((path) => ({
    name: `publish path ${path} (a route pattern, not a path)`,
    raw: { ...base, publish: { path, keys: ['a'] } },
    want: [
      [
        '$.publish.path',
        `must be a plain path without ":", "*", "?", "{", "}" or whitespace, got string ${JSON.stringify(path)}`,
      ],
    ] as [string, string][],
  })),
  {
    name: 'publish misspelt key field',
    raw: { ...base, publish: { key: ['a'] } },
    want: [
      ['$.publish.key', 'unknown field "key"; did you mean "keys"?'],
      ['$.publish.keys', 'required field is missing'],
    ],
  },
]

const cacheLimitCases: Case[] = [
  {
    name: 'maxBytes zero',
    raw: { ...base, cache: { maxBytes: 0 } },
    want: [['$.cache.maxBytes', 'must be greater than 0, got 0']],
  },
  {
    name: 'maxBytes a string',
    raw: { ...base, cache: { maxBytes: '64MiB' } },
    want: [['$.cache.maxBytes', 'expected a number, got string "64MiB"']],
  },
  {
    name: 'maxObjectBytes fractional',
    raw: { ...base, cache: { maxObjectBytes: 0.5 } },
    want: [['$.cache.maxObjectBytes', 'expected an integer, got number 0.5']],
  },
  {
    name: 'maxObjectBytes above maxBytes',
    raw: { ...base, cache: { maxBytes: 10, maxObjectBytes: 11 } },
    want: [['$.cache.maxObjectBytes', 'must not exceed cache.maxBytes (10), got 11']],
  },
  {
    name: 'requestDirectives not a mode',
    raw: { ...base, cache: { requestDirectives: 'obey' } },
    want: [['$.cache.requestDirectives', 'expected "ignore" or "honor", got string "obey"']],
  },
  {
    name: 'cache unknown field',
    raw: { ...base, cache: { maxEntries: 5 } },
    want: [
      [
        '$.cache.maxEntries',
        'unknown field "maxEntries"; expected one of: maxBytes, maxObjectBytes, requestDirectives',
      ],
    ],
  },
]

describe('parseConfig problems', () => {
  describe.each([
    ['grip and publish', gripPublishCases],
    ['cache limits', cacheLimitCases],
  ] as const)('%s', (_section, cases) => {
    it.each(cases)('$name', ({ raw, want }) => {
      expect(problemsOf(raw)).toStrictEqual(want)
    })
  })
})
