/**
 * The metrics as structured log lines, for platforms without a scrape endpoint (Workers,
 * Fastly): after a request, once `intervalMs` passed since the last line, one `metrics` line
 * with what each counter gained since then and each gauge's value now. Increments, not
 * totals, because every isolate or instance counts on its own: a log pipeline sums the lines
 * of all of them. Names and labels are catalog.ts's, as on Node's /metrics.
 * @module
 */
import type { Logger } from '../platform.ts'
import { type MetricSources, metricFamilies, sampleKey } from './catalog.ts'
import type { CountingMetrics } from './metrics.ts'

/** What the reporter reads and where it writes. */
export interface MetricsLogDeps {
  counts: CountingMetrics
  /** The rest of the sources (tier and cache stats), read when a line is due. */
  sources: () => Promise<Omit<MetricSources, 'counts'>>
  logger: Pick<Logger, 'info'>
  now: () => number
  /** Least time between two lines; 0 writes one after every request that counted something. */
  intervalMs: number
}

/** Logs metric increments now and then (see the module comment). */
export class MetricsLogReporter {
  readonly #deps: MetricsLogDeps
  readonly #last = new Map<string, number>()
  #lineAt: number

  constructor(deps: MetricsLogDeps) {
    this.#deps = deps
    this.#lineAt = deps.now()
  }

  /** Called after each request; writes a line when one is due and something was counted. */
  async afterRequest(): Promise<void> {
    const now = this.#deps.now()
    if (now - this.#lineAt < this.#deps.intervalMs) return
    this.#lineAt = now
    const families = metricFamilies({ counts: this.#deps.counts, ...(await this.#deps.sources()) })
    const fields: Record<string, number> = {}
    let counted = false
    for (const family of families) {
      for (const sample of family.samples) {
        if (sample.suffix === '_bucket') continue
        const key = sampleKey(family, sample)
        if (family.type === 'gauge') {
          fields[key] = sample.value
          continue
        }
        const gained = sample.value - (this.#last.get(key) ?? 0)
        this.#last.set(key, sample.value)
        if (gained === 0) continue
        fields[key] = gained
        counted = true
      }
    }
    if (counted) this.#deps.logger.info('metrics', fields)
  }
}
