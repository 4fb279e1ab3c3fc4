/**
 * Issue #17 on Fastly: no scrape endpoint, so each request that counted something is
 * followed by one `metrics` log line with the same names as Node's /metrics.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { CountingMetrics } from '../../src/metrics/metrics.ts'
import { buildApp, PUBLISH_KEY, seedStores } from './helpers.ts'
import { resetShims } from './shims/reset.ts'

beforeEach(() => {
  resetShims()
  seedStores()
})

describe('metric log lines on Fastly', () => {
  it('logs the origin request of a pull, by origin and status class', async () => {
    const lines: Array<{ message: string; fields: Record<string, unknown> }> = []
    const { app } = buildApp({
      metrics: new CountingMetrics(),
      origin: () => new Response('hi', { status: 404 }),
      info: (message, fields) => lines.push({ message, fields }),
    })
    const response = await app.fetch(new Request('https://edge.example/a'))
    expect(response.status).toBe(404)
    const line = lines.find((l) => l.message === 'metrics')
    expect(line?.fields).toMatchObject({
      'gripgate_origin_requests_total{origin=origin,class=4xx}': 1,
      'gripgate_origin_request_duration_seconds_count{origin=origin}': 1,
    })
  })

  it('logs a refused publish, and nothing for a request that counted nothing', async () => {
    const lines: Array<{ message: string; fields: Record<string, unknown> }> = []
    const { app } = buildApp({
      metrics: new CountingMetrics(),
      info: (message, fields) => lines.push({ message, fields }),
    })
    const refused = await app.fetch(
      new Request('https://edge.example/publish/', {
        method: 'POST',
        headers: { authorization: 'Bearer wrong', 'content-type': 'application/json' },
        body: '{"items":[]}',
      })
    )
    expect(refused.status).toBe(401)
    const metricLines = () => lines.filter((l) => l.message === 'metrics')
    expect(metricLines().at(-1)?.fields).toMatchObject({
      'gripgate_publishes_total{outcome=refused}': 1,
    })
    const before = metricLines().length
    await app.fetch(new Request('https://edge.example/_gripgate/none'))
    expect(metricLines()).toHaveLength(before)
    expect(PUBLISH_KEY).not.toBe('wrong')
  })
})
