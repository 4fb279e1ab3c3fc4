/**
 * The cluster section's markdown: one table per size (servers as columns), then the headline.
 * @module
 */
import type { ClusterOptions, ClusterResults, ClusterRun } from './cluster.ts'
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
