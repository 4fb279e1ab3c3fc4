import { beforeEach, describe, expect, it } from 'vitest'
import { secretNames } from '../../edge/fastly/settings.ts'
import { CONFIG_STORE, SECRET_STORE } from '../../edge/fastly/stores.ts'
import bundled from '../../gripgate.fastly.json' with { type: 'json' }
import { parseConfig } from '../../src/config/parse.ts'
import { calls } from './shims/calls.ts'
import { seedConfigStore } from './shims/config-store.ts'
import { handoffs } from './shims/fanout.ts'
import { resetShims } from './shims/reset.ts'
import { seedSecretStore } from './shims/secret-store.ts'

// Importing main.ts must not touch a store, the environment or Fanout: wizer runs the
// top-level code at build time, where js-compute 3.46 forbids them.
const importCalls = await (async () => {
  resetShims()
  await import('../../edge/fastly/main.ts')
  return [...calls]
})()
const { app } = await import('../../edge/fastly/main.ts')

beforeEach(() => {
  resetShims()
  seedSecretStore(SECRET_STORE, { PUBLISH_KEY: 'k', GRIP_KEY: 'changeme' })
})

describe('edge/fastly/main.ts (what index.ts serves)', () => {
  it('calls no fastly:* API at import time', () => {
    expect(importCalls).toEqual([])
  })

  it('bundles gripgate.fastly.json, a valid config', () => {
    const env = Object.fromEntries(secretNames(bundled).map((name) => [name, 'x']))
    expect(parseConfig(bundled, env).ok).toBe(true)
  })

  it('reads the stores on the first request, once per instance', async () => {
    seedConfigStore(CONFIG_STORE, {})
    const first = await app.fetch(new Request('https://edge.example/publish/', { method: 'POST' }))
    expect(first.status).toBe(401)
    expect(calls.filter((call) => call.api === 'SecretStore.get').length).toBeGreaterThan(0)
    resetShims()
    const second = await app.fetch(new Request('https://edge.example/publish/', { method: 'POST' }))
    expect(second.status).toBe(401)
    expect(calls).toEqual([])
  })

  it('hands a realtime route to Fanout on the backend "self"', async () => {
    const response = await app.fetch(new Request('https://edge.example/news/poll'))
    expect(response.headers.get('x-shim-fanout-handoff')).toBe('self')
    expect(handoffs).toHaveLength(1)
  })
})
