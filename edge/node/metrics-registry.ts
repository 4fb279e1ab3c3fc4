/**
 * `GET /metrics` on Node: prom-client's default process metrics plus the gateway's metrics
 * (src/metrics/catalog.ts), in the Prometheus text format. The gateway's values are read at
 * scrape time from the counters the gateway keeps anyway, so nothing is counted twice and
 * no prom-client object is touched on a request path.
 * @module
 */
import { collectDefaultMetrics, Registry } from 'prom-client'
import type { MetricsText } from '../../src/admin/admin-route.ts'
import { type MetricFamily, type MetricSources, metricFamilies } from '../../src/metrics/catalog.ts'

/** A metric object as prom-client's registry reads one (`get()` and its identity). */
interface ScrapedMetric {
  name: string
  help: string
  type: MetricFamily['type']
  aggregator: 'sum'
  get(): {
    name: string
    help: string
    type: MetricFamily['type']
    aggregator: 'sum'
    values: Array<{ labels: Record<string, string>; value: number; metricName: string }>
  }
  reset(): void
}

function asPromMetric(family: MetricFamily): ScrapedMetric {
  const data = {
    name: family.name,
    help: family.help,
    type: family.type,
    aggregator: 'sum' as const,
  }
  return {
    ...data,
    get: () => ({
      ...data,
      values: family.samples.map((sample) => ({
        labels: sample.labels ?? {},
        value: sample.value,
        metricName: `${family.name}${sample.suffix ?? ''}`,
      })),
    }),
    reset() {},
  }
}

/** The metrics endpoint of one process. */
export class MetricsRegistry {
  readonly #process = new Registry()
  readonly #labels: Record<string, string>

  /** `labels` go on every series (a `--workers` worker's id, so workers' series stay apart). */
  constructor(labels: Record<string, string> = {}) {
    this.#labels = labels
    this.#process.setDefaultLabels(labels)
    collectDefaultMetrics({ register: this.#process, prefix: '' })
  }

  /** The text of one scrape, the gateway's metrics read from `sources` now. */
  async scrape(sources: MetricSources): Promise<MetricsText> {
    const gateway = new Registry()
    gateway.setDefaultLabels(this.#labels)
    for (const family of metricFamilies(sources)) {
      // prom-client's registry takes any object shaped like its metrics.
      gateway.registerMetric(
        asPromMetric(family) as unknown as Parameters<Registry['registerMetric']>[0]
      )
    }
    const [own, process] = await Promise.all([gateway.metrics(), this.#process.metrics()])
    return { contentType: this.#process.contentType, body: `${own}\n${process}` }
  }
}
