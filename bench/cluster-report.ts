/**
 * The cluster section's markdown: one table per size (servers as columns), then the headline.
 * @module
 */
import type { ClusterOptions, ClusterResults, ClusterRun, GrowthResults } from './cluster.ts'
import { PER_PROCESS } from './fleet.ts'

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')
const row = (cells: string[]) => `| ${cells.join(' | ')} |`

const METRICS: [keyof ClusterRun, string, number][] = [
  ['first', 'latency first (ms)', 2],
  ['median', 'latency p50 (ms)', 2],
  ['p99', 'latency p99 (ms)', 2],
  ['last', 'publish to last delivery (ms)', 2],
  ['worstLast', 'slowest probe, last delivery (ms)', 2],
  ['delivered', 'delivered (share, worst probe)', 3],
  ['connectRate', 'connects/s', 0],
  ['rssPerConnKiB', 'RSS per conn (KiB)', 1],
  ['rssMiB', 'RSS total with N held (MiB)', 0],
  ['cpuMsPer1k', 'server CPU ms per 1k deliveries', 1],
  ['reconnects', 'reconnects', 0],
]

/** Markdown lines of the section. */
export function clusterReport(
  results: ClusterResults,
  options: Pick<ClusterOptions, 'sizes' | 'headline' | 'runs' | 'probes'>
): string[] {
  const lines = [
    '## Cluster (issue #14): gripgate over Redis vs one process vs Pushpin vs nchan',
    '',
    `SSE subscribers from a generator fleet: separate processes of at most ${PER_PROCESS.toLocaleString('en')} subscribers each (the hard open-file limit is per process), process i bound to source address 127.0.0.(2 + i) (one ephemeral port range per source address). Each run: ${options.probes} single publishes, each awaited by every subscriber; latencies from the publish call (stamped in the message) to each delivery, median over the probes${options.runs > 1 ? `, then median of ${options.runs} runs` : ''}. RSS: every process of the target (gripgate: primary and workers, plus its private redis-server; Pushpin: pushpin and zurl processes; nchan: nginx master and worker), (after connecting N − before) / N. gripgate --workers joins a fresh private Redis per run (\`cluster.redis\`).`,
    '',
    ...results.skipped.map((s) => `- ${s}`),
    '',
  ]
  const names = results.rows.map(([name]) => name)
  for (const n of names.length ? options.sizes : []) {
    lines.push(`### N = ${n.toLocaleString('en')} SSE`, '')
    lines.push(row(['metric', ...names]), row(['---', ...names.map(() => '---:')]))
    for (const [metric, label, d] of METRICS) {
      const cells = results.rows.map(([, byN]) => {
        const r = byN.get(n)
        return typeof r === 'object' ? fmt(r[metric] as number, d) : (r ?? 'n/a')
      })
      lines.push(row([label, ...cells]))
    }
    const spread = results.rows.flatMap(([name, byN]) => {
      const r = byN.get(n)
      return typeof r === 'object' && r.perNode ? [`${name}: ${r.perNode.join(' / ')}`] : []
    })
    if (spread.length) lines.push('', `Connections per worker: ${spread.join('; ')}.`)
    lines.push('')
  }
  const h = results.headline
  if (h) {
    const names = h.rows.map(([name]) => name)
    lines.push(
      `### Headline: ${options.headline.toLocaleString('en')} SSE subscribers over ${h.workers} workers`
    )
    lines.push('')
    lines.push(row(['metric', ...names]), row(['---', ...names.map(() => '---:')]))
    const cell = (r: ClusterRun | string, f: (r: ClusterRun) => string) =>
      typeof r === 'string' ? r : f(r)
    for (const [metric, label, d] of METRICS)
      lines.push(
        row([label, ...h.rows.map(([, r]) => cell(r, (x) => fmt(x[metric] as number, d)))])
      )
    lines.push(
      row(['generator processes', ...h.rows.map(([, r]) => cell(r, (x) => String(x.generators)))])
    )
    lines.push(
      row([
        'connections per worker',
        ...h.rows.map(([, r]) => cell(r, (x) => x.perNode?.join(' / ') ?? 'n/a')),
      ])
    )
    const [gripgate] = h.rows
    if (gripgate && typeof gripgate[1] === 'object') {
      const r = gripgate[1]
      const ok = r.p99 <= 1000 && r.delivered === 1
      lines.push(
        '',
        `Goal (p99 ≤ 1 s, one publish delivered to all): ${ok ? 'met' : 'not met'} (p99 ${fmt(r.p99, 0)} ms, delivered ${fmt(r.delivered * 100, 1)} %).`,
        ''
      )
    } else lines.push('')
  }
  return lines
}

const GROWTH_METRICS: [keyof ClusterRun, string, number][] = [
  ['median', 'p50 (ms)', 1],
  ['p99', 'p99 (ms)', 1],
  ['last', 'last (ms)', 1],
  ['cpuMsPer1k', 'CPU ms per 1k deliveries', 1],
  ['rssPerConnKiB', 'RSS per conn (KiB)', 1],
  ['connectRate', 'connects/s', 0],
]

/** Markdown lines of the growth table (issue #18): sizes as rows, one column group per configuration. */
export function growthReport(results: GrowthResults, sizes: number[], probes: number): string[] {
  const lines = [
    '## Growth with N (issue #18): SSE, one publish at a time to all',
    '',
    `Subscribers open a cacheable stream hold (\`maxAge\`: a cache hit per open after the first per process) from the generator fleet; ${probes} single publishes per size, each awaited by every subscriber, medians over them. CPU: the server's process tree from each publish to its last delivery. RSS: the tree, (after connecting N − before) / N. One process may hold only up to three quarters of the per-process open-file limit here; \`--workers ${results.workers}\` is enough for the largest size and runs at every size, as does the node:http floor with as many workers.`,
    '',
  ]
  for (const [name, byN] of results.rows) {
    lines.push(`### ${name}`, '')
    lines.push(row(['N', ...GROWTH_METRICS.map(([, label]) => label)]))
    lines.push(row(['---:', ...GROWTH_METRICS.map(() => '---:')]))
    for (const n of sizes) {
      const r = byN.get(n)
      const cells =
        typeof r === 'object'
          ? GROWTH_METRICS.map(([metric, , d]) => fmt(r[metric] as number, d))
          : GROWTH_METRICS.map((_, i) => (i === 0 ? (r ?? 'n/a') : ''))
      lines.push(row([n.toLocaleString('en'), ...cells]))
    }
    lines.push('')
  }
  return lines
}
