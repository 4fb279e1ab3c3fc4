/**
 * `npm run bench [-- --quick]`: fan-out latency, delivery throughput, connect rate and RSS per
 * idle connection of gripgate, Pushpin and nginx + nchan side by side, with SSE and WebSocket
 * subscribers, plus cache-hit throughput of gripgate vs nginx proxy_cache. Prints markdown
 * tables and writes bench/results/<date>.md.
 * @module
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { runClusterSection, runGrowthSection } from './cluster.ts'
import { clusterReport, growthReport } from './cluster-report.ts'
import { awaitDelivery, publishOne, subscribe, summarize } from './load.ts'
import { sleep, treeCpuMs, treeRssKiB } from './procs.ts'
import {
  type ConnectResult,
  runConnects,
  runStorm,
  CHANNELS as STORM_CHANNELS,
  type StormResult,
  type StormTarget,
  startStormFloor,
  startStormGripgate,
  startStormOrigin,
  startStormPushpin,
} from './storm.ts'
import { CONCURRENT_OPENS } from './storm-client.ts'
import {
  nchanMissing,
  type Origins,
  pushpinMissing,
  startGripgate,
  startNginx,
  startNodeFloor,
  startOrigins,
  startPushpin,
  type Target,
  type Transport,
} from './targets.ts'
import { runWorkerdSection, workerdReport } from './workerd.ts'

const quick = process.argv.includes('--quick')
/** `--sizes=1000,5000` and `--runs=N` override the mode's defaults (for partial runs). */
const flag = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const SIZES = flag('sizes')?.split(',').map(Number) ?? (quick ? [1000] : [1000, 5000, 10_000])
const RUNS = Number(flag('runs') ?? (quick ? 1 : 3))
/** `--only=gripgate,nchan` limits the servers (names as in the table); `--no-cache` skips autocannon. */
const ONLY = flag('only')?.split(',')
const CACHE_RUN = !process.argv.includes('--no-cache')
/**
 * The reconnect storm (issue #15): `--storm=N` sets its size (default 10,000; `--quick`
 * 1,000), `--no-storm` skips it, `--only=storm` runs nothing else.
 */
const STORM_N = Number(flag('storm') ?? (quick ? 1000 : 10_000))
const STORM_RUN = ONLY ? ONLY.includes('storm') : !process.argv.includes('--no-storm')
/**
 * The cluster section (issue #14): `--cluster-sizes=10000` for the side-by-side rows (default
 * 10,000; `--quick` 1,000; 0 skips them), `--headline=N` for the subscribers held across workers (default
 * 100,000; `--quick` 10,000; 0 skips it), `--no-cluster` skips it, `--only=cluster` runs
 * nothing else.
 */
const CLUSTER_SIZES = (
  flag('cluster-sizes')?.split(',').map(Number) ?? [quick ? 1000 : 10_000]
).filter((n) => n > 0)
const HEADLINE = Number(flag('headline') ?? (quick ? 10_000 : 100_000))
/** `--headline-workers=N` overrides the workers the headline's size calls for. */
const HEADLINE_WORKERS = flag('headline-workers') ? Number(flag('headline-workers')) : undefined
/** `--headline-rows=gripgate,nchan`: only the headline rows whose names start so. */
const HEADLINE_ROWS = flag('headline-rows')?.split(',')
const CLUSTER_RUN = ONLY ? ONLY.includes('cluster') : !process.argv.includes('--no-cluster')
/**
 * The growth table (issue #18): `--growth=1000,10000,50000` sets its sizes (default those;
 * `--quick` none; 0 skips it), `--only=growth` runs nothing else.
 */
const GROWTH_SIZES = (
  flag('growth')?.split(',').map(Number) ?? (quick ? [] : [1000, 10_000, 50_000])
).filter((n) => n > 0)
const GROWTH_RUN = (ONLY ? ONLY.includes('growth') : true) && GROWTH_SIZES.length > 0
const CLUSTER_PROBES = quick ? 3 : 5
/**
 * The workerd section (issue #16): gripgate's Durable Object tier under `wrangler dev` vs the
 * workerd floor; `--workerd-sizes=1000,5000` (default 1,000 and 5,000; `--quick` 1,000),
 * `--no-workerd` skips it, `--only=workerd` runs nothing else.
 */
const WORKERD_SIZES =
  flag('workerd-sizes')?.split(',').map(Number) ?? (quick ? [1000] : [1000, 5000])
const WORKERD_RUN = ONLY ? ONLY.includes('workerd') : !process.argv.includes('--no-workerd')
const ONLY_SERVERS = ONLY?.filter(
  (name) => name !== 'storm' && name !== 'cluster' && name !== 'workerd' && name !== 'growth'
)
const TRANSPORT_NAMES: Record<Transport, string> = { sse: 'SSE', ws: 'WebSocket' }
/** `--transport=sse,ws`; the full run measures both, `--quick` only SSE. */
const TRANSPORTS = (flag('transport')?.split(',') ?? (quick ? ['sse'] : ['sse', 'ws'])).map((t) => {
  if (!(t in TRANSPORT_NAMES)) throw new Error(`--transport: ${t} is not sse or ws`)
  return t as Transport
})
/** `--profile=DIR` writes a V8 CPU profile of each gripgate run to DIR (`--cpu-prof`). */
const PROFILE_DIR = flag('profile')
const gripgateArgs = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []
/** Total wait for a burst (Pushpin's default message_rate would otherwise take minutes). */
const BURST_WAIT_MS = 20_000
const PROBES = quick ? 5 : 10
const BURST = quick ? 20 : 50
const CACHE_SECONDS = quick ? 3 : 10
const CACHE_CONNECTIONS = 50

interface RunResult {
  connectRate: number
  /** RSS of `memoryPids` per connection, "before" read after the warm-up. */
  rssPerConnKiB: number
  /** The same over the whole process tree (`pids`). */
  rssPerConnTreeKiB: number
  /** The tree's, "before" read right after the start, before any warm-up (the earlier method). */
  rssPerConnColdKiB: number
  first: number
  median: number
  p99: number
  last: number
  /** Burst rate with one publish in flight, and with sixteen. */
  deliveriesPerSec: number
  deliveriesPerSec16: number
  burstDelivered: number
  /** Server process tree CPU time during the burst per 1,000 deliveries (robust on a busy box). */
  serverCpuMsPer1k: number
  genCpuMs: number
  reconnects: number
}

const median = (xs: number[]) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b)
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : Number.NaN
}

/** Publishes `count` messages from `first`, at most `inFlight` of them awaiting an answer. */
async function publishPool(target: Target, first: number, count: number, inFlight: number) {
  let next = 0
  const sender = async () => {
    while (next < count) await publishOne(target, first + next++)
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, sender))
}

/** `BURST` messages from `first` at `inFlight` publishes at a time: deliveries and their rate. */
async function burst(
  target: Target,
  subs: Awaited<ReturnType<typeof subscribe>>,
  first: number,
  inFlight: number
) {
  const startNs = process.hrtime.bigint()
  await publishPool(target, first, BURST, inFlight)
  const deadline = Date.now() + BURST_WAIT_MS
  for (let i = 0; i < BURST; i++)
    await awaitDelivery(subs, first + i, Math.max(0, deadline - Date.now()))
  let delivered = 0
  let end = startNs
  for (let i = 0; i < BURST; i++) {
    delivered += subs.deliveries(first + i)
    const at = subs.lastArrival(first + i)
    if (at > end) end = at
  }
  return { delivered, perSec: delivered / (Number(end - startNs) / 1e9) }
}

/**
 * RSS of `pids` once it has settled after the opens: read every half second until four
 * readings in a row lie within 0.5 % of each other, for at most 10 s (issue #18). A garbage
 * collected server holds the opens' garbage for a while and gives it back when its collector
 * next runs on an idle heap; read after a fixed second, the figure followed that timing
 * (9 to 27 KiB per WebSocket between runs of the same code). A server without a collector
 * settles at once, so the wait costs it two seconds.
 */
async function settledRssKiB(pids: () => number[]): Promise<number> {
  const readings: number[] = []
  for (let i = 0; i < 20; i++) {
    await sleep(500)
    readings.push(treeRssKiB(pids()))
    const last = readings.slice(-4)
    if (last.length === 4 && Math.max(...last) <= Math.min(...last) * 1.005) break
  }
  return readings.at(-1)!
}

async function runOnce(target: Target, transport: Transport, n: number): Promise<RunResult> {
  const memoryPids = () => target.memoryPids?.() ?? target.pids()
  const treeCold = treeRssKiB(target.pids())
  if (target.warmUp) await target.warmUp(transport)
  const cpu0 = process.cpuUsage()
  const rss0 = treeRssKiB(memoryPids())
  const tree0 = treeRssKiB(target.pids())
  // wrangler dev opens connections far slower than the Node servers: fewer at once, more time.
  const subs = await subscribe(target, transport, n, Math.max(120_000, n * 60), {
    inFlight: target.opensInFlight,
  })
  const rss1 = await settledRssKiB(memoryPids)
  const tree1 = treeRssKiB(target.pids())
  try {
    const probes = []
    for (let seq = 0; seq < PROBES; seq++) {
      await publishOne(target, seq)
      await awaitDelivery(subs, seq, 15_000)
      probes.push(summarize(subs, seq))
      await sleep(50)
    }
    const serverCpu0 = treeCpuMs(target.pids())
    // Two bursts (issue #18): publishes one at a time (each sent when the last was answered),
    // then sixteen in flight, where a server can coalesce what is queued for a subscriber.
    const single = await burst(target, subs, PROBES, 1)
    const sixteen = await burst(target, subs, PROBES + BURST, 16)
    const delivered = single.delivered + sixteen.delivered
    const cpu = process.cpuUsage(cpu0)
    const serverCpuMs = treeCpuMs(target.pids()) - serverCpu0
    return {
      connectRate: subs.connectRate,
      rssPerConnKiB: (rss1 - rss0) / n,
      rssPerConnTreeKiB: (tree1 - tree0) / n,
      rssPerConnColdKiB: (tree1 - treeCold) / n,
      first: median(probes.map((p) => p.first)),
      median: median(probes.map((p) => p.median)),
      p99: median(probes.map((p) => p.p99)),
      last: median(probes.map((p) => p.last)),
      deliveriesPerSec: single.perSec,
      deliveriesPerSec16: sixteen.perSec,
      burstDelivered: delivered / (2 * BURST * n),
      serverCpuMsPer1k: (serverCpuMs / delivered) * 1000,
      genCpuMs: (cpu.user + cpu.system) / 1000,
      reconnects: subs.reconnects,
    }
  } finally {
    subs.close()
  }
}

type Starter = () => Promise<Target>

async function measure(
  name: string,
  starter: Starter,
  transport: Transport,
  n: number
): Promise<RunResult | string> {
  const runs: RunResult[] = []
  const what = `${name} ${TRANSPORT_NAMES[transport]} N=${n}`
  for (let r = 0; r < RUNS; r++) {
    const target = await starter()
    try {
      const res = await runOnce(target, transport, n)
      console.log(
        `  ${what} run ${r + 1}: ${JSON.stringify(res, (_k, v) => (typeof v === 'number' ? Number(v.toFixed(2)) : v))}`
      )
      runs.push(res)
    } catch (e) {
      console.log(`  ${what} run ${r + 1}: failed: ${(e as Error).message.split('\n')[0]}`)
    } finally {
      await target.stop()
    }
  }
  if (runs.length === 0) return 'failed'
  const keys = Object.keys(runs[0]!) as (keyof RunResult)[]
  return Object.fromEntries(
    keys.map((k) => [k, median(runs.map((x) => x[k]))])
  ) as unknown as RunResult
}

/** A server that answers `/cached/item` from its cache, and how to start it. */
type CacheServer = [string, () => Promise<{ url: string; pids(): number[]; stop(): Promise<void> }>]

/** Requests/s under autocannon, and the server's CPU per 1,000 requests. */
interface CacheResult {
  rps: number
  cpuMsPer1k: number
}

/**
 * Cache hits: gripgate vs nginx proxy_cache on the same static origin, and the Node floor
 * answering from memory. Median requests/s of RUNS runs each, servers taking turns.
 */
async function cacheHits(origins: Origins, withNginx: boolean): Promise<[string, CacheResult][]> {
  const servers: CacheServer[] = [
    [
      'gripgate',
      async () => {
        const t = await startGripgate(origins)
        return { url: `http://127.0.0.1:${t.port}/cached/item`, pids: t.pids, stop: t.stop }
      },
    ],
    [
      ALL_CORES,
      async () => {
        const t = await startGripgate(origins, [], { workers: CORES })
        return { url: `http://127.0.0.1:${t.port}/cached/item`, pids: t.pids, stop: t.stop }
      },
    ],
    [
      'node:http floor (no cache, fixed body)',
      async () => {
        const t = await startNodeFloor()
        return { url: `http://127.0.0.1:${t.port}/cached/item`, pids: t.pids, stop: t.stop }
      },
    ],
  ]
  if (withNginx)
    servers.splice(2, 0, [
      'nginx proxy_cache (worker_processes auto)',
      async () => {
        const t = await startNginx(origins)
        return { url: `http://127.0.0.1:${t.cachePort}/cached/item`, pids: t.pids, stop: t.stop }
      },
    ])
  const runs = new Map<string, CacheResult[]>(servers.map(([name]) => [name, []]))
  for (let r = 0; r < RUNS; r++) {
    for (const [name, startServer] of servers) {
      const server = await startServer()
      try {
        // Twice: the first stores the entry, the second prepares its quick answer.
        for (let i = 0; i < 2; i++) await fetch(server.url).then((res) => res.arrayBuffer())
        const cpu0 = treeCpuMs(server.pids())
        const { rps, total } = autocannon(server.url)
        const cpuMsPer1k = ((treeCpuMs(server.pids()) - cpu0) / total) * 1000
        console.log(
          `  cache hits ${name} run ${r + 1}: ${rps.toFixed(0)} req/s, ${cpuMsPer1k.toFixed(1)} CPU ms per 1k`
        )
        runs.get(name)!.push({ rps, cpuMsPer1k })
      } finally {
        await server.stop()
      }
    }
  }
  return servers.map(([name]) => {
    const results = runs.get(name)!
    return [
      name,
      {
        rps: median(results.map((x) => x.rps)),
        cpuMsPer1k: median(results.map((x) => x.cpuMsPer1k)),
      },
    ]
  })
}

function autocannon(url: string): { rps: number; total: number } {
  const out = spawnSync(
    'node_modules/.bin/autocannon',
    ['-c', String(CACHE_CONNECTIONS), '-d', String(CACHE_SECONDS), '--json', url],
    { encoding: 'utf8', timeout: (CACHE_SECONDS + 30) * 1000 }
  )
  const parsed = JSON.parse(out.stdout) as {
    requests: { average: number; total: number }
    non2xx: number
  }
  if (parsed.non2xx) console.log(`  ${url}: ${parsed.non2xx} non-2xx answers`)
  return { rps: parsed.requests.average, total: parsed.requests.total }
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const mem = `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`
  let nproc = String(os.cpus().length)
  try {
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim()
  } catch {}
  const version = (cmd: string, args: string[]) => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000 })
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n')[0] || 'n/a'
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const nchan = version('dpkg-query', ['-W', '-f', '${Version}', 'libnginx-mod-nchan'])
  return `nproc ${nproc}, ${cpu}, ${mem} RAM, Node ${process.version}, ${os.type()} ${os.release()}; ${version('pushpin', ['--version'])}; ${version('nginx', ['-v'])}, nchan ${nchan}`
}

/** The fan-out tables' rows: field, label, decimals. */
const METRICS: [keyof RunResult, string, number][] = [
  ['first', 'latency first (ms)', 2],
  ['median', 'latency median (ms)', 2],
  ['p99', 'latency p99 (ms)', 2],
  ['last', 'latency last (ms)', 2],
  ['deliveriesPerSec', 'burst deliveries/s, 1 publish in flight', 0],
  ['deliveriesPerSec16', 'burst deliveries/s, 16 in flight', 0],
  ['burstDelivered', 'burst delivered (share)', 3],
  ['serverCpuMsPer1k', 'server CPU ms per 1k burst deliveries', 1],
  ['connectRate', 'connects/s', 0],
  ['rssPerConnKiB', 'RSS per idle conn (KiB)', 1],
  ['genCpuMs', 'generator CPU (ms)', 0],
  ['reconnects', 'reconnects', 0],
]

/** The workerd tables add the RSS figure of the method before the warm-up (bench/workerd.ts). */
const WORKERD_METRICS: [keyof RunResult, string, number][] = [
  ...METRICS,
  ['rssPerConnTreeKiB', 'RSS per idle conn, wrangler tree (KiB)', 1],
  ['rssPerConnColdKiB', 'RSS per idle conn, wrangler tree, "before" at start (KiB)', 1],
]

const fmt = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')

/**
 * Every core, as users run a server (issue #18): gripgate `--workers` one per core (the
 * in-process relay between them, no Redis on one machine), nginx `worker_processes auto`.
 */
const CORES = os.availableParallelism()
const ALL_CORES = `gripgate --workers ${CORES}`

async function main() {
  const started = new Date()
  const skipped: string[] = []
  const origins: Origins = await startOrigins()
  const targets: [string, Starter][] = [
    ['gripgate', () => startGripgate(origins, gripgateArgs)],
    [ALL_CORES, () => startGripgate(origins, gripgateArgs, { workers: CORES })],
  ]
  const ppMissing = pushpinMissing()
  if (ppMissing) skipped.push(`Pushpin skipped: ${ppMissing}`)
  else {
    targets.push(['pushpin default', () => startPushpin(origins, 2500)])
    targets.push(['pushpin raised', () => startPushpin(origins, 1_000_000)])
  }
  const ncMissing = nchanMissing()
  if (ncMissing) skipped.push(`nchan skipped: ${ncMissing}`)
  else targets.push(['nchan', () => startNginx(origins)])
  // Not a peer: what node:http itself costs, so gripgate's overhead over Node is visible.
  targets.push(['node:http floor', () => startNodeFloor()])
  if (ONLY_SERVERS) {
    const unknown = ONLY_SERVERS.filter((name) => !targets.some(([t]) => t.startsWith(name)))
    if (unknown.length) throw new Error(`--only: no server named ${unknown.join(', ')}`)
    for (let i = targets.length - 1; i >= 0; i--)
      if (!ONLY_SERVERS.some((name) => targets[i]![0].startsWith(name))) targets.splice(i, 1)
  }
  for (const line of skipped) console.log(line)

  const results: Results = new Map()
  try {
    for (const n of SIZES) {
      for (const transport of TRANSPORTS) {
        for (const [name, starter] of targets) {
          const row = results.get(name) ?? new Map()
          results.set(name, row)
          row.set(
            section(transport, n),
            await measure(name, starter, transport, n).catch(
              (e) => `failed: ${(e as Error).message.split('\n')[0]}`
            )
          )
        }
      }
    }
    const cache: [string, CacheResult][] = []
    if (targets.length === 0) {
      // --only=storm, --only=cluster
    } else if (!CACHE_RUN) skipped.push('cache-hit run skipped (--no-cache)')
    else if (!existsSync('node_modules/.bin/autocannon'))
      skipped.push('cache-hit run skipped: autocannon not installed (npm install)')
    else cache.push(...(await cacheHits(origins, !ncMissing)))

    const workerd = WORKERD_RUN
      ? await runWorkerdSection({
          origins,
          sizes: WORKERD_SIZES,
          transports: TRANSPORTS,
          label: section,
          measure,
        })
      : undefined
    const storm = STORM_RUN ? await reconnectStorm(ppMissing) : []
    const clusterOptions = {
      origins,
      sizes: CLUSTER_SIZES,
      headline: HEADLINE,
      ...(HEADLINE_WORKERS ? { headlineWorkers: HEADLINE_WORKERS } : {}),
      ...(HEADLINE_ROWS ? { headlineRows: HEADLINE_ROWS } : {}),
      runs: RUNS,
      probes: CLUSTER_PROBES,
      pushpinMissing: ppMissing,
      nchanMissing: ncMissing,
    }
    const cluster = CLUSTER_RUN ? await runClusterSection(clusterOptions) : undefined
    const growth = GROWTH_RUN
      ? await runGrowthSection({ origins, sizes: GROWTH_SIZES, probes: CLUSTER_PROBES })
      : undefined
    const md = report(started, results, cache, skipped, storm)
      .concat('\n', workerd ? workerdReport(workerd, WORKERD_METRICS, RUNS).join('\n') : '')
      .concat('\n', cluster ? clusterReport(cluster, clusterOptions).join('\n') : '')
      .concat('\n', growth ? growthReport(growth, GROWTH_SIZES, CLUSTER_PROBES).join('\n') : '')
      .trimEnd()
    console.log(`\n${md}`)
    await mkdir('bench/results', { recursive: true })
    // Partial runs (a subset of servers, sizes or runs) never overwrite a full result.
    const partial =
      ONLY ||
      flag('sizes') ||
      flag('runs') ||
      flag('transport') ||
      flag('storm') ||
      flag('cluster-sizes') ||
      flag('headline') ||
      flag('growth') ||
      flag('workerd-sizes') ||
      !WORKERD_RUN ||
      !CACHE_RUN ||
      !STORM_RUN ||
      !CLUSTER_RUN
    const suffix = quick ? '-quick' : partial ? '-partial' : ''
    const file = `bench/results/${started.toISOString().slice(0, 10)}${suffix}.md`
    await writeFile(file, md)
    console.log(`written to ${file}`)
  } finally {
    await origins.stop()
  }
}

/** Per server, per section (`section(transport, n)`): the median run, or why there is none. */
type Results = Map<string, Map<string, RunResult | string>>

const section = (transport: Transport, n: number) =>
  `N = ${n.toLocaleString('en')} ${TRANSPORT_NAMES[transport]}`

/** The fan-out tables' method paragraphs. */
const fanoutIntro = () => [
  `Subscribers on 127.0.0.1, ${RUNS === 1 ? '1 run' : `median of ${RUNS} runs`}; latency: median over ${PROBES} single messages (each awaited by every subscriber); burst: ${BURST} messages published one at a time (the next sent when the last was answered), then ${BURST} more with sixteen publishes in flight; server CPU over both bursts. RSS: server process tree, (after connecting N, once settled − before) / N. Ratios are gripgate ÷ peer.`,
  '',
  'SSE: each message is the event `data: <seq> <sendTimeNs>`. WebSocket: each message is the text `<seq> <sendTimeNs>`; gripgate and Pushpin (route `over_http`) open it as WebSocket-over-HTTP to the GRIP origin fixture, which subscribes the connection and sends `ready bench`; nchan (`nchan_subscriber eventsource websocket`) subscribes before its `101`. Reconnects: subscribers opened again because their socket closed before they were subscribed or they were not subscribed within 10 s (at most 3 per subscriber).',
  '',
]

function report(
  started: Date,
  results: Results,
  cache: [string, CacheResult][],
  skipped: string[],
  storm: [string, StormResult | ConnectResult | string][]
): string {
  const names = [...results.keys()]
  // Ratio columns only when gripgate ran (`--only` may leave it out).
  const peers = names.includes('gripgate')
    ? names.filter((x) => x !== 'gripgate' && x !== ALL_CORES)
    : []
  // The all-cores row against nchan, which runs `worker_processes auto`.
  const allCores = names.includes(ALL_CORES) && names.includes('nchan')
  const lines = [
    `# gripgate bench ${started.toISOString()}${quick ? ' (quick)' : ''}`,
    '',
    `Machine: ${machine()}`,
    '',
    ...(names.length ? fanoutIntro() : []),
    ...skipped.map((s) => `- ${s}`),
    '',
  ]
  const metrics = METRICS
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`
  for (const n of names.length ? SIZES : []) {
    for (const transport of TRANSPORTS) {
      const key = section(transport, n)
      lines.push(`## ${key}`, '')
      const extra = allCores ? [`${ALL_CORES} ÷ nchan`] : []
      lines.push(row(['metric', ...names, ...peers.map((p) => `gripgate ÷ ${p}`), ...extra]))
      lines.push(
        row([
          '---',
          ...names.map(() => '---:'),
          ...peers.map(() => '---:'),
          ...extra.map(() => '---:'),
        ])
      )
      for (const [metric, label, d] of metrics) {
        const val = (name: string) => {
          const r = results.get(name)?.get(key)
          return typeof r === 'object' ? r[metric] : Number.NaN
        }
        const cells = names.map((name) => {
          const r = results.get(name)?.get(key)
          return typeof r === 'string' ? r : fmt(val(name), d)
        })
        const ratios = peers.map((p) => fmt(val('gripgate') / val(p), 2))
        if (allCores) ratios.push(fmt(val(ALL_CORES) / val('nchan'), 2))
        lines.push(row([label, ...cells, ...ratios]))
      }
      lines.push('')
    }
  }
  if (cache.length) {
    lines.push(
      `## Cache hits (autocannon -c ${CACHE_CONNECTIONS} -d ${CACHE_SECONDS}, 1 KiB JSON)`,
      ''
    )
    const gg = cache.find(([name]) => name === 'gripgate')?.[1]
    lines.push(
      '| server | requests/s | server CPU ms per 1,000 requests | requests/s gripgate ÷ server | CPU gripgate ÷ server |',
      '|---|---:|---:|---:|---:|'
    )
    for (const [name, r] of cache) {
      const ratios =
        name === 'gripgate' || !gg
          ? ' | '
          : `${fmt(gg.rps / r.rps, 2)} | ${fmt(gg.cpuMsPer1k / r.cpuMsPer1k, 2)}`
      lines.push(`| ${name} | ${fmt(r.rps, 0)} | ${fmt(r.cpuMsPer1k, 1)} | ${ratios} |`)
    }
    const all = cache.find(([name]) => name === ALL_CORES)?.[1]
    const nginx = cache.find(([name]) => name.startsWith('nginx'))?.[1]
    if (all && nginx)
      lines.push(
        '',
        `${ALL_CORES} ÷ nginx proxy_cache: requests/s ${fmt(all.rps / nginx.rps, 2)}, CPU per request ${fmt(all.cpuMsPer1k / nginx.cpuMsPer1k, 2)}.`
      )
    lines.push(
      '',
      `autocannon runs on the same ${CORES} cores as the server, so requests/s is bounded by the generator too: the floor row is what node:http and the generator manage with no cache logic at all, and CPU per request is the server-side cost. ${ALL_CORES} (one worker per core, each with its own cache) is to be read against nginx, which runs \`worker_processes auto\`.`,
      ''
    )
  }
  if (storm.length) lines.push(...stormReport(storm))
  return lines.join('\n')
}

/** One storm of `n` against a target started on a fresh origin. */
async function stormRow(
  startTarget: (origin: Awaited<ReturnType<typeof startStormOrigin>>) => Promise<StormTarget>,
  n: number
): Promise<StormResult> {
  const origin = await startStormOrigin()
  let target: StormTarget | undefined
  try {
    target = await startTarget(origin)
    return await runStorm(target, origin, n)
  } finally {
    await target?.stop()
    await origin.stop()
  }
}

/** The storm's rows: gripgate with and without history, and Pushpin, each on a fresh origin. */
async function reconnectStorm(pushpinMissingReason: string | undefined) {
  const nodeArgs = gripgateArgs
  const rows: [
    string,
    (origin: Awaited<ReturnType<typeof startStormOrigin>>) => Promise<StormTarget>,
  ][] = [
    [
      'gripgate, history + cached instruction',
      (o) => startStormGripgate(o, { history: true, mode: 'cached', nodeArgs }),
    ],
    [
      'gripgate, no history, cached instruction',
      (o) => startStormGripgate(o, { history: false, mode: 'cached', nodeArgs }),
    ],
    [
      'gripgate, no history, origin recovers',
      (o) => startStormGripgate(o, { history: false, mode: 'origin', nodeArgs }),
    ],
  ]
  if (!pushpinMissingReason) rows.push(['Pushpin, origin recovers', (o) => startStormPushpin(o)])
  const out: [string, StormResult | ConnectResult | string][] = []
  // An unreported storm first: the row that came first used to pay for a cold generator and
  // system (8.3 s against 6.0-6.3 s in runs of its own).
  await stormRow(rows[1]![1], Math.min(STORM_N, 1000)).catch(() => undefined)
  for (const [name, startTarget] of rows) {
    try {
      const result = await stormRow(startTarget, STORM_N)
      console.log(`  storm ${name} N=${STORM_N}: ${JSON.stringify(result)}`)
      out.push([name, result])
    } catch (e) {
      const why = `failed: ${(e as Error).message.split('\n')[0]}`
      console.log(`  storm ${name} N=${STORM_N}: ${why}`)
      out.push([name, why])
    }
  }
  if (pushpinMissingReason) out.push(['Pushpin', `skipped: ${pushpinMissingReason}`])
  const floorName = 'node:http floor, connects only'
  const floor = await startStormFloor()
  try {
    const result = await runConnects(floor, STORM_N)
    console.log(`  storm ${floorName} N=${STORM_N}: ${JSON.stringify(result)}`)
    out.push([floorName, result])
  } catch (e) {
    out.push([floorName, `failed: ${(e as Error).message.split('\n')[0]}`])
  } finally {
    await floor.stop()
  }
  return out
}

function stormReport(storm: [string, StormResult | ConnectResult | string][]): string[] {
  const lines = [
    `## Reconnect storm, N = ${STORM_N.toLocaleString('en')} SSE`,
    '',
    `${STORM_N.toLocaleString('en')} SSE subscribers over ${STORM_CHANNELS} channels receive events 1-10, all drop at once, 20 events per channel are published while they are away, and all reconnect at once (at most ${CONCURRENT_OPENS} connecting at a time, as in the fan-out runs) with \`Last-Event-ID\` (the last id each received); then one live event follows. Origin requests: what the origin received from the first reconnect on. Lost and duplicates: events 11-31 (20 missed + 1 live) over all subscribers. Reconnected: until every hold had answered. Catch-up: from the first reconnect until every subscriber had all 20 missed events. First connects: the N subscribers' first opens (no Last-Event-ID; with a cached instruction, a cache hit each but the first per channel). Server CPU: the server's process tree (user + system) over the first connects, and from the first reconnect until everyone caught up, per subscriber; the load generator's (this process, one thread) over the reconnects beside it. The node:http floor (bench/node-floor.mjs) holds each request with \`: open\` and nothing more: what connecting the same way costs Node and the load generator on this machine.`,
    '',
    '| server | origin requests | lost | duplicates | reconnected (ms) | catch-up (ms) | failed opens | first connects (ms) | connects/s | server CPU µs per connect | per reconnect | generator CPU µs per reconnect |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  const perHold = (ms: number) => fmt((ms * 1000) / STORM_N, 0)
  for (const [name, r] of storm) {
    if (typeof r === 'string') {
      lines.push(`| ${name} | ${r} | | | | | | | | | | |`)
      continue
    }
    const full = 'lost' in r ? r : undefined
    const cells = full ? [full.originRequests, full.lost, full.duplicates] : ['n/a', 'n/a', 'n/a']
    lines.push(
      `| ${name} | ${cells.join(' | ')} | ${fmt(r.reconnectMs, 0)} | ${full ? fmt(full.catchUpMs, 0) : 'n/a'} | ${r.failedOpens} | ${fmt(r.connectMs, 0)} | ${fmt((STORM_N * 1000) / r.connectMs, 0)} | ${perHold(r.connectCpuMs)} | ${perHold(r.reconnectCpuMs)} | ${perHold(r.generatorCpuMs)} |`
    )
  }
  lines.push('')
  return lines
}

await main()
