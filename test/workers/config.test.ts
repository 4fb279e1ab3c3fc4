import { createExecutionContext, env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { configFromEnv } from '../../edge/cloudflare/config.ts'
import type { GatewayEnv } from '../../edge/cloudflare/env.ts'
import { metricsLogInterval } from '../../edge/cloudflare/platform.ts'
import { createWorker } from '../../edge/cloudflare/worker.ts'

const minimal = {
  origins: { a: { url: 'http://origin.test' } },
  routes: [{ path: '/*', origin: 'a' }],
}
const withEnv = (vars: Partial<GatewayEnv> & Record<string, unknown>) =>
  ({ ...env, ...vars }) as GatewayEnv

describe('config from GRIPGATE_CONFIG', () => {
  it('parses JSON text and resolves { "env": NAME } secrets from the Worker vars', () => {
    const config = configFromEnv(
      withEnv({
        GRIPGATE_CONFIG: JSON.stringify({ ...minimal, publish: { keys: [{ env: 'PUB' }] } }),
        PUB: 'from-a-secret',
      })
    )
    expect(config.ok && config.value.publish?.keys).toEqual(['from-a-secret'])
  })

  it('accepts a JSON object, as [vars] in wrangler.toml gives it', () => {
    const config = configFromEnv(withEnv({ GRIPGATE_CONFIG: minimal }))
    expect(config.ok && config.value.origins.a?.url).toBe('http://origin.test')
  })

  it('reports every problem, secrets included, at its JSON path', () => {
    const config = configFromEnv(
      withEnv({ GRIPGATE_CONFIG: JSON.stringify({ ...minimal, grip: { key: { env: 'NOPE' } } }) })
    )
    expect(config.ok).toBe(false)
    expect(!config.ok && config.error.map((p) => p.path)).toEqual(['$.grip.key'])
    const unset = configFromEnv(withEnv({ GRIPGATE_CONFIG: undefined }))
    expect(!unset.ok && unset.error[0]?.message).toMatch(/GRIPGATE_CONFIG is not set/)
  })

  it('answers every request with CONFIG_INVALID when the config is broken', async () => {
    const worker = createWorker()
    const response = await worker.fetch(
      new Request('https://gw.test/x'),
      withEnv({ GRIPGATE_CONFIG: '{"origins": ' }),
      createExecutionContext()
    )
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({
      code: 'CONFIG_INVALID',
      problems: [{ path: '$' }],
    })
  })

  it('the deployed Worker runs the bound config: publish keys come from its secrets', async () => {
    const purge = (key: string) =>
      SELF.fetch('https://gw.test/_gripgate/purge', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ keys: ['nothing'] }),
      })
    expect((await purge('wrong')).status).toBe(401)
    expect((await purge(env.TEST_PUBLISH_KEY)).status).toBe(200)
  })
})

describe('GRIPGATE_METRICS_LOG_MS', () => {
  it('reads milliseconds, off, and falls back to a minute', () => {
    expect(metricsLogInterval(undefined)).toBe(60_000)
    expect(metricsLogInterval('0')).toBe(0)
    expect(metricsLogInterval(' 5000 ')).toBe(5000)
    expect(metricsLogInterval('off')).toBeUndefined()
    expect(metricsLogInterval('soon')).toBe(60_000)
    expect(metricsLogInterval('-1')).toBe(60_000)
  })
})
