import { beforeEach, describe, expect, it } from 'vitest'
import { fastlyPublishUrl, loadSettings, secretNames } from '../../edge/fastly/settings.ts'
import { CONFIG_STORE, fastlyStores, SECRET_STORE } from '../../edge/fastly/stores.ts'
import {
  API_TOKEN,
  buildApp,
  CONFIG,
  GRIP_KEY,
  PUBLISH_KEY,
  SERVICE_ID,
  seedStores,
} from './helpers.ts'
import { seedConfigStore } from './shims/config-store.ts'
import { setEnv } from './shims/env.ts'
import { resetShims } from './shims/reset.ts'
import { seedSecretStore } from './shims/secret-store.ts'

beforeEach(resetShims)

describe('secretNames', () => {
  it('finds every { "env": NAME } once, in document order', () => {
    expect(
      secretNames({
        grip: { key: { env: 'GRIP_KEY' } },
        publish: { keys: ['inline', { env: 'A' }, { env: 'B' }, { env: 'A' }] },
        other: { env: 'not-a-secret', extra: 1 },
      })
    ).toEqual(['GRIP_KEY', 'A', 'B'])
  })
})

describe('fastlyStores', () => {
  it('reads secrets, settings and env through the fastly:* modules', async () => {
    seedSecretStore(SECRET_STORE, { S: 'secret' })
    seedConfigStore(CONFIG_STORE, { k: 'v' })
    setEnv('FASTLY_SERVICE_ID', 'svc')
    const stores = fastlyStores()
    expect(await stores.secret('S')).toBe('secret')
    expect(await stores.secret('missing')).toBeUndefined()
    expect(stores.setting('k')).toBe('v')
    expect(stores.setting('missing')).toBeUndefined()
    expect(stores.env('FASTLY_SERVICE_ID')).toBe('svc')
    expect(stores.env('NOPE')).toBeUndefined()
  })

  it('treats a store the service does not have as empty', async () => {
    const stores = fastlyStores()
    expect(await stores.secret('S')).toBeUndefined()
    expect(stores.setting('k')).toBeUndefined()
  })
})

describe('loadSettings', () => {
  it('resolves the config’s secrets from the Secret Store and defaults the rest', async () => {
    seedStores()
    const loaded = await loadSettings(CONFIG, fastlyStores())
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.error))
    const settings = loaded.value
    expect(settings.config.publish?.keys).toEqual([PUBLISH_KEY])
    expect(settings.config.grip).toEqual({ key: GRIP_KEY, iss: 'gripgate' })
    expect(settings.trust).toEqual({ serviceId: SERVICE_ID, gripKey: GRIP_KEY })
    expect(settings.fanoutBackend).toBe('self')
    expect(settings.publishApi).toEqual({
      backend: 'fastly_api',
      url: `https://api.fastly.com/service/${SERVICE_ID}/publish/`,
      token: API_TOKEN,
    })
  })

  it('takes the Config Store’s settings over the defaults', async () => {
    seedStores({
      settings: {
        service_id: 'FROM_STORE',
        fanout_backend: 'me',
        publish_backend: 'pp',
        publish_url: 'http://127.0.0.1:5561/publish/',
      },
    })
    const loaded = await loadSettings(CONFIG, fastlyStores())
    expect(loaded.ok && loaded.value).toMatchObject({
      trust: { serviceId: 'FROM_STORE' },
      fanoutBackend: 'me',
      publishApi: { backend: 'pp', url: 'http://127.0.0.1:5561/publish/' },
    })
  })

  it('has no publish API and no ES256 trust without a service id', async () => {
    seedStores({ serviceId: false })
    const loaded = await loadSettings(CONFIG, fastlyStores())
    if (!loaded.ok) throw new Error('expected settings')
    expect(loaded.value.publishApi).toBeUndefined()
    expect(loaded.value.trust).toEqual({ gripKey: GRIP_KEY })
  })

  it('reports a missing secret as a config problem at its JSON path', async () => {
    seedSecretStore(SECRET_STORE, { GRIP_KEY })
    const loaded = await loadSettings(CONFIG, fastlyStores())
    expect(loaded.ok).toBe(false)
    if (loaded.ok) return
    expect(loaded.error).toHaveLength(1)
    expect(loaded.error[0]?.path).toBe('$.publish.keys[0]')
    expect(loaded.error[0]?.message).toContain('PUBLISH_KEY')
  })

  it('escapes the service id in the publish URL', () => {
    expect(fastlyPublishUrl('a/b')).toBe('https://api.fastly.com/service/a%2Fb/publish/')
  })
})

describe('an invalid deployment', () => {
  it('answers every request with CONFIG_INVALID listing the problems', async () => {
    // No secret store at all: both secrets are missing.
    const { app } = buildApp()
    const response = await app.fetch(new Request('https://edge.example/items/1'))
    expect(response.status).toBe(500)
    const problem = await response.json()
    expect(problem.code).toBe('CONFIG_INVALID')
    expect(problem.problems.map((p: { path: string }) => p.path)).toEqual([
      '$.grip.key',
      '$.publish.keys[0]',
    ])
  })
})
