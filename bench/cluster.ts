/**
 * The cluster section of `npm run bench` (issue #14): gripgate `serve --workers 2` over a
 * private Redis vs one gripgate process vs Pushpin vs nchan at N SSE subscribers (default
 * 10,000), then the headline: `HEADLINE` SSE subscribers held across gripgate workers, one
 * publish at a time delivered to all. Subscribers come from a generator fleet (bench/fleet.ts)
 * spread over 127.0.0.x source addresses, for every row alike.
 * @module
 */
import {
  connectionsPerNode,
  hardFdLimit,
  redisMissing,
  startGripgateCluster,
} from './cluster-targets.ts'
import { openFleet } from './fleet.ts'
import { publishOne } from './load.ts'
import { sleep, treeCpuMs, treeRssKiB } from './procs.ts'
import {
  CACHED_SSE,
  type Origins,
  startGripgate,
  startNginx,
  startNodeFloor,
  startPushpin,
  type Target,
} from './targets.ts'

/** What the section is asked to run. */
export interface ClusterOptions {
  origins: Origins
  /** Sizes of the side-by-side rows. */
  sizes: number[]
  /** Subscribers of the headline run (0: skip it). */
  headline: number
  /** Workers of the headline run (default: enough for the open-file limit). */
  headlineWorkers?: number
  /** Only the headline rows whose names start with one of these. */
  headlineRows?: string[]
  runs: number
  /** Single publishes per run, each awaited by every subscriber. */
  probes: number
  pushpinMissing: string | undefined
  nchanMissing: string | undefined
}

/** What the growth table is asked to run (issue #18). */
export interface GrowthOptions {
  origins: Origins
  /** Subscriber counts, smallest first. */
  sizes: number[]
  probes: number
}

/** One run's figures; latencies in ms, medians over the probes unless named otherwise. */
export interface ClusterRun {
  connectRate: number
  rssPerConnKiB: number
  rssMiB: number
  /** Server CPU (the target's process tree) from each publish to its last delivery, per 1,000 deliveries. */
  cpuMsPer1k: number
  first: number
  median: number
  p99: number
  last: number
  /** The slowest probe's last delivery. */
  worstLast: number
  /** Smallest share of subscribers any probe reached. */
  delivered: number
  reconnects: number
  generators: number
  /** Connections per node at the last heartbeats (clustered gripgate only). */
  perNode?: number[]
}

type Starter = () => Promise<Target>

/** How long a probe may take to reach everyone before it counts what arrived. */
const DELIVERY_WAIT_MS = 30_000
/**
 * How long a fleet may take to hold everyone: a floor of 150 opens/s. Opens through a GRIP
 * origin that is not cached run at 270–570/s here for every server (the generators and the
 * origin share the 2 cores); 300/s left the 100,000 headline at 93,751 held on 2026-12-03.
 */
const openTimeout = (n: number) => Math.max(120_000, Math.ceil(n / 150) * 1000)
/** Settle time after the last subscriber is held (and for one heartbeat to count them). */
const SETTLE_MS = 2000

const median = (xs: number[]) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : Number.NaN
}

/** Holds `n` subscribers of `target`, publishes `probes` single messages, measures each. */
async function runOnce(target: Target, n: number, probes: number): Promise<ClusterRun> {
  const rss0 = treeRssKiB(target.pids())
  const fleet = await openFleet(target, n, { timeoutMs: openTimeout(n), messages: probes })
  try {
    await sleep(SETTLE_MS)
    const rss1 = treeRssKiB(target.pids())
    const perNode = target.name.includes('--workers') ? await connectionsPerNode(target) : undefined
    const results = []
    let cpuMs = 0
    for (let seq = 0; seq < probes; seq++) {
      const cpu0 = treeCpuMs(target.pids())
      await publishOne(target, seq)
      results.push(await fleet.delivery(seq, DELIVERY_WAIT_MS))
      cpuMs += treeCpuMs(target.pids()) - cpu0
      await sleep(200)
    }
    const delivered = results.reduce((sum, r) => sum + r.delivered, 0)
    return {
      connectRate: fleet.connectRate,
      rssPerConnKiB: (rss1 - rss0) / n,
      rssMiB: rss1 / 1024,
      cpuMsPer1k: (cpuMs / delivered) * 1000,
      first: median(results.map((r) => r.first)),
      median: median(results.map((r) => r.median)),
      p99: median(results.map((r) => r.p99)),
      last: median(results.map((r) => r.last)),
      worstLast: Math.max(...results.map((r) => r.last)),
      delivered: Math.min(...results.map((r) => r.delivered)) / n,
      reconnects: fleet.reconnects,
      generators: fleet.processes,
      ...(perNode ? { perNode } : {}),
    }
  } finally {
    await fleet.close()
  }
}

/** `runs` runs of a freshly started target each; the median run per figure, or why none. */
async function measure(
  name: string,
  starter: Starter,
  n: number,
  probes: number,
  runs: number
): Promise<ClusterRun | string> {
  const done: ClusterRun[] = []
  let why = 'failed'
  for (let r = 0; r < runs; r++) {
    let target: Target | undefined
    try {
      target = await starter()
      const res = await runOnce(target, n, probes)
      console.log(`  cluster ${name} N=${n} run ${r + 1}: ${JSON.stringify(res, round)}`)
      done.push(res)
    } catch (e) {
      why = `failed: ${(e as Error).message.split('\n')[0]}`
      console.log(`  cluster ${name} N=${n} run ${r + 1}: ${why}`)
      const said = target?.output?.().trim().split('\n').slice(-15).join('\n    ')
      if (said) console.log(`    ${said}`)
    } finally {
      await target?.stop()
    }
  }
  if (done.length === 0) return why
  const pick = (k: keyof ClusterRun) => median(done.map((x) => x[k] as number))
  return {
    connectRate: pick('connectRate'),
    rssPerConnKiB: pick('rssPerConnKiB'),
    rssMiB: pick('rssMiB'),
    cpuMsPer1k: pick('cpuMsPer1k'),
    first: pick('first'),
    median: pick('median'),
    p99: pick('p99'),
    last: pick('last'),
    worstLast: Math.max(...done.map((x) => x.worstLast)),
    delivered: Math.min(...done.map((x) => x.delivered)),
    reconnects: pick('reconnects'),
    generators: done[0]!.generators,
    ...(done[0]!.perNode ? { perNode: done[0]!.perNode } : {}),
  }
}

const round = (_k: string, v: unknown) => (typeof v === 'number' ? Number(v.toFixed(2)) : v)

/**
 * Workers for the headline: each holds at most three quarters of the per-process fd limit
 * (the rest: origin and Redis connections, listeners), and never fewer than 2.
 */
export function headlineWorkers(n: number, fdLimit = hardFdLimit()): number {
  return Math.max(2, Math.ceil(n / perProcessLimit(fdLimit)))
}

/** Subscribers one server process may hold here: three quarters of the fd limit. */
function perProcessLimit(fdLimit = hardFdLimit()): number {
  return Number.isFinite(fdLimit) ? Math.floor(fdLimit * 0.75) : 15_000
}

/** `target` with its SSE subscribers opening `sse`. */
function withSse(target: Target, sse: Target['subscriptions']['sse']): Target {
  return { ...target, subscriptions: { ...target.subscriptions, sse } }
}

/** Everything the section measured, for the report. */
export interface ClusterResults {
  rows: [string, Map<number, ClusterRun | string>][]
  headline?: { workers: number; rows: [string, ClusterRun | string][] }
  skipped: string[]
}

/** Runs the side-by-side rows at every size, then the headline. */
export async function runClusterSection(options: ClusterOptions): Promise<ClusterResults> {
  const { origins } = options
  const skipped: string[] = []
  const noRedis = redisMissing()
  const targets: [string, Starter][] = []
  if (noRedis) skipped.push(`gripgate cluster rows skipped: ${noRedis}`)
  else targets.push(['gripgate --workers 2 + Redis', () => startGripgateCluster(origins, 2)])
  targets.push(['gripgate, one process', () => startGripgate(origins)])
  if (!options.pushpinMissing) {
    targets.push(['pushpin default', () => startPushpin(origins, 2500)])
    targets.push(['pushpin raised', () => startPushpin(origins, 1_000_000)])
  }
  if (!options.nchanMissing) targets.push(['nchan', () => startNginx(origins)])
  const rows: ClusterResults['rows'] = targets.map(([name]) => [name, new Map()])
  for (const n of options.sizes) {
    for (const [i, [name, starter]] of targets.entries())
      rows[i]![1].set(n, await measure(name, starter, n, options.probes, options.runs))
  }
  if (!options.headline || noRedis) return { rows, skipped }
  // The headline's subscribers ask for a cacheable stream hold: each worker asks the origin once
  // and answers the rest from its cached instruction, so 100,000 opens do not wait on an origin
  // that shares the two cores (uncached, opens ran at 150-570/s and some gave up). The floor:
  // node:http with as many workers, publishes relayed over IPC; and nchan.
  const workers = options.headlineWorkers ?? headlineWorkers(options.headline)
  const headline: [string, Starter][] = [
    [
      `gripgate --workers ${workers} + Redis, cached instruction`,
      async () => withSse(await startGripgateCluster(origins, workers, true), CACHED_SSE),
    ],
    [`node:http floor, ${workers} workers`, () => startNodeFloor(workers)],
  ]
  // The peer that leads on one machine (bench/results), with as many worker processes as
  // gripgate has workers: each nginx worker is held to the same open-file limit (with
  // `worker_processes auto`, two workers stopped accepting at 40,000 here).
  if (!options.nchanMissing)
    headline.push([`nchan, ${workers} worker processes`, () => startNginx(origins, workers)])
  const only = options.headlineRows
  const picked = only ? headline.filter(([name]) => only.some((o) => name.startsWith(o))) : headline
  const headlineRows: [string, ClusterRun | string][] = []
  for (const [name, starter] of picked)
    headlineRows.push([name, await measure(name, starter, options.headline, options.probes, 1)])
  return { rows, headline: { workers, rows: headlineRows }, skipped }
}

/** The growth table: each configuration's run at each size. */
export interface GrowthResults {
  workers: number
  rows: [string, Map<number, ClusterRun | string>][]
}

/**
 * How latency, memory and CPU per delivery grow with N (issue #18), gripgate serving a
 * cacheable stream hold. One process holds at most three quarters of the per-process
 * open-file limit, so it runs only up to that; `gripgate --workers W` (the in-process relay,
 * W enough for the largest size) and the node:http floor with as many workers run at every
 * size, so each row's growth is read against the same configuration.
 */
export async function runGrowthSection(options: GrowthOptions): Promise<GrowthResults> {
  const { origins, sizes, probes } = options
  const largest = Math.max(...sizes)
  const workers = headlineWorkers(largest)
  const perProcess = perProcessLimit()
  const configs: [string, Starter, (n: number) => boolean][] = [
    [
      'gripgate, one process',
      async () => withSse(await startGripgate(origins, [], undefined, 'warn', true), CACHED_SSE),
      (n) => n <= perProcess,
    ],
    [
      `gripgate --workers ${workers}`,
      async () => withSse(await startGripgate(origins, [], { workers }, 'warn', true), CACHED_SSE),
      () => true,
    ],
    [`node:http floor, ${workers} workers`, () => startNodeFloor(workers), () => true],
  ]
  const rows: GrowthResults['rows'] = configs.map(([name]) => [name, new Map()])
  for (const n of sizes) {
    for (const [i, [name, starter, fits]] of configs.entries()) {
      const byN = rows[i]![1]
      if (!fits(n)) byN.set(n, `over the open-file limit (${perProcess.toLocaleString('en')})`)
      else byN.set(n, await measure(name, starter, n, probes, 1))
    }
  }
  return { workers, rows }
}
