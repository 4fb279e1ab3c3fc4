import { describe, expect, it } from 'vitest'
import { MetricsLogReporter } from '../../../src/metrics/log-reporter.ts'
import { CountingMetrics } from '../../../src/metrics/metrics.ts'
import { CaptureLogger } from '../../fakes/capture-logger.ts'

function setup(intervalMs: number) {
  let now = 0
  const counts = new CountingMetrics()
  const logger = new CaptureLogger()
  let hits = 0
  const reporter = new MetricsLogReporter({
    counts,
    sources: async () => ({ tier: { subscriptions: 3 }, cache: { hits } }),
    logger,
    now: () => now,
    intervalMs,
  })
  return {
    counts,
    logger,
    reporter,
    advance: (ms: number) => {
      now += ms
    },
    hit: () => {
      hits += 1
    },
  }
}

describe('MetricsLogReporter', () => {
  it('logs counter increments since the last line and gauges as they are', async () => {
    const { counts, logger, reporter, advance, hit } = setup(1000)
    counts.originResponse('app', 200, 0.01)
    hit()
    advance(1000)
    await reporter.afterRequest()
    counts.originResponse('app', 200, 0.01)
    counts.originResponse('app', 200, 0.01)
    advance(1000)
    await reporter.afterRequest()
    expect(logger.records.map((r) => r.fields)).toEqual([
      expect.objectContaining({
        'gripgate_origin_requests_total{origin=app,class=2xx}': 1,
        'gripgate_cache_lookups_total{result=hit}': 1,
        gripgate_subscriptions: 3,
      }),
      expect.objectContaining({ 'gripgate_origin_requests_total{origin=app,class=2xx}': 2 }),
    ])
    // The second line leaves out what did not change.
    expect(logger.records[1]?.fields).not.toHaveProperty('gripgate_cache_lookups_total{result=hit}')
  })

  it('waits for the interval, and writes nothing when nothing was counted', async () => {
    const { counts, logger, reporter, advance } = setup(1000)
    counts.published('refused')
    advance(999)
    await reporter.afterRequest()
    expect(logger.records).toHaveLength(0)
    advance(1)
    await reporter.afterRequest()
    expect(logger.records).toHaveLength(1)
    advance(5000)
    await reporter.afterRequest()
    expect(logger.records).toHaveLength(1)
  })
})
