import { readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { createConfigJsonSchema, renderConfigJsonSchema } from '../../../src/config/json-schema.ts'
import { parseConfig } from '../../../src/config/parse.ts'
import { base, fixture, URL_APP, withOrigin, withRoute } from './helpers.ts'

const committed = readFileSync(
  new URL('../../../gripgate.config.schema.json', import.meta.url),
  'utf8'
)
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(JSON.parse(committed))

/** Env for the cases that use `{ "env": ... }`: these tests compare shapes, not env resolution. */
const ENV = { GRIP_KEY: 'g', PUBLISH_KEY: 'p' }

const good: [string, unknown][] = [
  ['minimal fixture', fixture('minimal.json')],
  ['full fixture', fixture('full.json')],
  ['base', base],
  ['$schema', { $schema: './gripgate.config.schema.json', ...base }],
  ['https origin with a path', withOrigin({ url: 'https://a.example:8443/v1/', timeoutMs: 1 })],
  ['IPv6 origin', withOrigin({ url: 'http://[::1]:9000' })],
  ['exact path', withRoute({ path: '/health', host: 'example.com:8080' })],
  ['cache false', withRoute({ cache: false })],
  ['realtime route', withRoute({ realtime: true })],
  ['cache override', withRoute({ cache: { ttl: 0, staleWhileRevalidate: 0, keys: [] } })],
  [
    'env secrets',
    { ...base, grip: { key: { env: 'GRIP_KEY' } }, publish: { keys: [{ env: 'PUBLISH_KEY' }] } },
  ],
  ['cache limits', { ...base, cache: { maxBytes: 1, maxObjectBytes: 1 } }],
  ['empty cache section', { ...base, cache: {} }],
]

const bad: [string, unknown][] = [
  ['null', null],
  ['no routes', { origins: base.origins }],
  ['empty routes', { ...base, routes: [] }],
  ['unknown top-level field', { ...base, extra: true }],
  ['$schema a number', { ...base, $schema: 1 }],
  ['origins an array', { ...base, origins: [] }],
  ['empty origin name', { ...base, origins: { '': { url: URL_APP } } }],
  ['url missing', { ...base, origins: { app: {} } }],
  ['url ftp', withOrigin({ url: 'ftp://a' })],
  ['url relative', withOrigin({ url: '/a' })],
  ['url with query', withOrigin({ url: 'http://a/?q' })],
  ['url with fragment', withOrigin({ url: 'http://a/#f' })],
  ['timeoutMs zero', withOrigin({ timeoutMs: 0 })],
  ['timeoutMs fractional', withOrigin({ timeoutMs: 0.5 })],
  ['misspelt timeoutMs', withOrigin({ tiemoutMs: 5 })],
  ['hostHeader with a slash', withOrigin({ hostHeader: 'a/b' })],
  ['path relative', withRoute({ path: 'a' })],
  ['path with two stars', withRoute({ path: '/a/**' })],
  ['path with an inner star', withRoute({ path: '/a/*/b' })],
  ['host empty', withRoute({ host: '' })],
  ['origin missing', { ...base, routes: [{ path: '/' }] }],
  ['cache true', withRoute({ cache: true })],
  ['realtime a string', withRoute({ realtime: 'yes' })],
  ['cache "none"', withRoute({ cache: 'none' })],
  ['ttl negative', withRoute({ cache: { ttl: -1 } })],
  ['ttl missing', withRoute({ cache: { keys: ['a'] } })],
  ['surrogate key with a space', withRoute({ cache: { ttl: 1, keys: ['a b'] } })],
  ['unknown override field', withRoute({ cache: { ttl: 1, swr: 1 } })],
  ['grip key missing', { ...base, grip: {} }],
  ['grip key empty', { ...base, grip: { key: '' } }],
  ['grip key env misspelt', { ...base, grip: { key: { evn: 'X' } } }],
  ['grip key env not a name', { ...base, grip: { key: { env: 'A-B' } } }],
  ['grip iss a number', { ...base, grip: { key: 'k', iss: 1 } }],
  ['publish keys empty', { ...base, publish: { keys: [] } }],
  ['publish path relative', { ...base, publish: { path: 'p', keys: ['k'] } }],
  ['maxBytes zero', { ...base, cache: { maxBytes: 0 } }],
  ['maxObjectBytes a string', { ...base, cache: { maxObjectBytes: '1' } }],
]

describe('gripgate.config.schema.json', () => {
  it('is what `npm run schema` generates from the zod schema', () => {
    expect(committed).toBe(renderConfigJsonSchema())
  })

  it('declares draft 2020-12, an $id and a title', () => {
    expect(createConfigJsonSchema()).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://gripgate.dev/schemas/gripgate.config.schema.json',
      title: 'gripgate configuration',
    })
  })

  it.each(good)('accepts, as parseConfig does: %s', (_name, raw) => {
    expect([validate(raw), parseConfig(raw, ENV).ok]).toStrictEqual([true, true])
  })

  it.each(bad)('rejects, as parseConfig does: %s', (_name, raw) => {
    expect([validate(raw), parseConfig(raw, ENV).ok]).toStrictEqual([false, false])
  })

  // Checks a JSON Schema cannot express. Listed so that a new divergence is a deliberate choice.
  it.each([
    ['route names an undefined origin', withRoute({ origin: 'nope' })],
    ['env variable unset', { ...base, grip: { key: { env: 'UNSET_VARIABLE' } } }],
    ['maxObjectBytes above maxBytes', { ...base, cache: { maxBytes: 1, maxObjectBytes: 2 } }],
    ['url the WHATWG parser rejects', withOrigin({ url: 'http://:80' })],
  ])('leaves to parseConfig: %s', (_name, raw) => {
    expect([validate(raw), parseConfig(raw, ENV).ok]).toStrictEqual([true, false])
  })
})
