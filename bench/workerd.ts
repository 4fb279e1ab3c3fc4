/**
 * The workerd section of `npm run bench` (`--only=workerd`, `--workerd-sizes=1000,5000`,
 * `--no-workerd`): gripgate's Durable Object fanout tier under `wrangler dev` against the
 * workerd floor (bench/workerd-floor/: a Worker and Durable Objects that hold the same
 * connections and write each message to each, no gateway), in the same run, with the same shard
 * count. Each instance is a fresh `wrangler dev` (its own `--persist-to` directory, ports and
 * inspector port), stopped by the PID started here. Ratios are gripgate ÷ floor.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { wsReadyMessage } from '../fixtures/grip-origin/origin.ts'
import { OFFLINE_ENV } from '../scripts/dev-cloudflare-args.ts'
import { publishOne, subscribe } from './load.ts'
import { answers, type Child, freePort, listenerPid, sleep, start, stop, waitFor } from './procs.ts'
import {
  CHANNEL,
  GRIP_KEY,
  type Origins,
  PUBLISH_KEY,
  type Target,
  type Transport,
} from './targets.ts'

/** Holder shards of gripgate and shards of the floor alike. */
export const WORKERD_SHARDS = 16
/** Opens in flight at once: wrangler dev resets connections under the generator's 200. */
const OPENS_IN_FLIGHT = 50
/** wrangler builds the Worker and starts two workerd processes: give it time on busy cores. */
const START_MS = 180_000

const wrangler = () => createRequire(import.meta.url).resolve('wrangler/bin/wrangler.js')

/**
 * Publishes in flight at once per target: a burst of 50 at once made local workerd answer some
 * with 503 (gripgate and the floor alike), so both queue here, in the same way.
 */
const PUBLISHES_IN_FLIGHT = 8

/**
 * One POST on a connection of its own (`agent: false`): workerd closes a kept-alive connection
 * after an answer now and then, and a pooled client that reuses it fails the publish ("other side
 * closed").
 */
function postOnce(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A POST that waits for one of `PUBLISHES_IN_FLIGHT` slots of its target. */
function publisher(): (
  url: string,
  body: string,
  headers?: Record<string, string>
) => Promise<void> {
  let active = 0
  const waiting: (() => void)[] = []
  return async (url, body, headers = {}) => {
    if (active >= PUBLISHES_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve))
    active += 1
    try {
      const status = await postOnce(url, body, headers)
      if (status >= 300) throw new Error(`publish to ${url}: ${status}`)
    } finally {
      active -= 1
      waiting.shift()?.()
    }
  }
}

/**
 * The port of the runtime itself: wrangler's dev proxy (a second workerd in front, for reloads)
 * is left out, as it is not there when deployed, and in wrangler 4.86 it keeps one socket to the
 * wrangler process open per request (CLOSE-WAIT) until workerd runs out of files mid-run. wrangler
 * names the runtime's URL in its debug log (`userWorkerUrl`); the last one named counts.
 */
function runtimePort(output: string): number | undefined {
  const ports = [...output.matchAll(/"userWorkerUrl":\{[^}]*"port":"(\d+)"/g)]
  const last = ports.at(-1)?.[1]
  return last === undefined ? undefined : Number(last)
}

/** A target under `wrangler dev`, with its runtime's inspector (for bench/workerd-memory.ts). */
export type WorkerdTarget = Target & { inspectorUrl: string | undefined }

/** The runtime's inspector (`userWorkerInspectorUrl`, beside `userWorkerUrl`), as a ws: URL. */
function runtimeInspector(output: string): string | undefined {
  const pattern = /"userWorkerInspectorUrl":\{[^}]*"port":"(\d+)","pathname":"([^"]+)"/g
  const last = [...output.matchAll(pattern)].at(-1)
  return last && `ws://127.0.0.1:${last[1]}${last[2]}`
}

/**
 * Subscribers the warm-up opens and closes before the "before" RSS: with 16 shards picked at
 * random, 128 opens reach every shard with probability 0.996, so each has started.
 */
export const WARM_UP_OPENS = 128

/**
 * What both targets go through before RSS is first read, in the same way: `WARM_UP_OPENS`
 * subscribers opened (every shard started, the code of a hold compiled and run), one publish
 * delivered to them, all closed, then 2 s for the runtime to see the closes. Without it, what a
 * target spends once (its bundle's code on first use, its Durable Objects and their SQLite
 * storage) was divided by N and counted per connection.
 */
export async function warmUp(target: Target, transport: Transport): Promise<void> {
  const subs = await subscribe(target, transport, WARM_UP_OPENS, 120_000, {
    inFlight: target.opensInFlight,
    messages: 1,
  })
  try {
    await publishOne(target, 0)
    const deadline = Date.now() + 15_000
    while (subs.deliveries(0) < subs.count && Date.now() < deadline) await sleep(10)
  } finally {
    subs.close()
  }
  await sleep(2000)
}

/** Starts one `wrangler dev` through `spawn` and waits until the runtime answers `readyPath`. */
async function startWrangler(
  name: string,
  spawnWith: (port: number, persistTo: string, inspectorPort: number) => Child,
  readyPath: string
) {
  const dir = await mkdtemp(join(tmpdir(), 'gripgate-bench-workerd-'))
  const child = spawnWith(await freePort(), dir, await freePort())
  const stopAll = async () => {
    await stop(child)
    await rm(dir, { recursive: true, force: true })
  }
  let port: number | undefined
  try {
    await waitFor(
      async () => {
        port = runtimePort(child.output())
        return port !== undefined && (await answers(`http://127.0.0.1:${port}${readyPath}`))
      },
      START_MS,
      name
    )
  } catch (e) {
    await stopAll()
    throw new Error(
      `${(e as Error).message}: ${child.output().trim().split('\n').slice(-3).join(' / ')}`
    )
  }
  // Memory is the runtime's RSS alone: wrangler's inspector relay (InspectorProxyWorker, in
  // the dev proxy's workerd) buffers every inspector event of the runtime, Network events of
  // each request and subrequest included, until a DevTools client attaches, and with
  // `--log-level debug` sends each to wrangler's Node process too. That memory grows with
  // every request made (gripgate makes more per open: the origin's, the holder's), is absent
  // when deployed, and goes away when anything else holds the runtime's inspector session.
  const runtime = listenerPid(port!)
  return {
    port: port!,
    child,
    inspectorUrl: runtimeInspector(child.output()),
    memoryPids: () => (runtime === undefined ? [child.child.pid!] : [runtime]),
    stop: stopAll,
  }
}

/** gripgate through `npm run dev:cloudflare`, on the GRIP origin fixture. */
export async function startWorkerdGripgate(origins: Origins): Promise<WorkerdTarget> {
  const config = {
    origins: { grip: { url: `http://127.0.0.1:${origins.gripPort}` } },
    routes: [
      { path: '/stream/*', origin: 'grip', cache: false },
      { path: '/ws/*', origin: 'grip', cache: false },
    ],
    grip: { key: GRIP_KEY },
    publish: { keys: [PUBLISH_KEY] },
    limits: { maxConnections: 200_000 },
  }
  const run = await startWrangler(
    'gripgate on wrangler dev',
    (port, persistTo, inspector) =>
      start(
        'node',
        [
          '--import',
          'tsx',
          'scripts/dev-cloudflare.ts',
          ...devServerArgs(port, persistTo, inspector),
          '--var',
          `GRIPGATE_HOLDER_SHARDS:${WORKERD_SHARDS}`,
          '--log-level',
          'debug',
        ],
        { GRIPGATE_CONFIG: JSON.stringify(config) }
      ),
    '/ready'
  )
  const base = `http://127.0.0.1:${run.port}`
  const post = publisher()
  const target: WorkerdTarget = {
    name: 'gripgate (workerd)',
    port: run.port,
    subscriptions: {
      sse: { path: `/stream/${CHANNEL}?keepAlive=300`, ready: 'event: ready' },
      ws: { path: `/ws/${CHANNEL}`, ready: wsReadyMessage(CHANNEL) },
    },
    publish: (body) =>
      post(
        `${base}/publish/`,
        JSON.stringify({
          items: [
            {
              channel: CHANNEL,
              formats: {
                'http-stream': { content: `data: ${body}\n\n` },
                'ws-message': { content: body },
              },
            },
          ],
        }),
        { authorization: `Bearer ${PUBLISH_KEY}`, 'content-type': 'application/json' }
      ),
    opensInFlight: OPENS_IN_FLIGHT,
    pids: () => [run.child.child.pid!],
    memoryPids: run.memoryPids,
    warmUp: (transport) => warmUp(target, transport),
    inspectorUrl: run.inspectorUrl,
    stop: run.stop,
  }
  return target
}

/** The `wrangler dev` flags every run sets: its port, a fresh state folder, its inspector. */
function devServerArgs(port: number, persistTo: string, inspector: number): string[] {
  return ['--port', String(port), '--persist-to', persistTo, '--inspector-port', String(inspector)]
}

/** The workerd floor (bench/workerd-floor/). */
export async function startWorkerdFloor(): Promise<WorkerdTarget> {
  const run = await startWrangler(
    'workerd floor',
    (port, persistTo, inspector) =>
      start(
        'node',
        [
          wrangler(),
          'dev',
          '--local',
          '--config',
          'bench/workerd-floor/wrangler.toml',
          '--ip',
          '127.0.0.1',
          ...devServerArgs(port, persistTo, inspector),
          '--show-interactive-dev-session=false',
          '--var',
          `FLOOR_SHARDS:${WORKERD_SHARDS}`,
          '--log-level',
          'debug',
        ],
        OFFLINE_ENV
      ),
    '/ready'
  )
  const post = publisher()
  const target: WorkerdTarget = {
    name: 'workerd floor',
    port: run.port,
    subscriptions: {
      sse: { path: '/sub', ready: 'event: ready' },
      ws: { path: '/sub', ready: 'ready' },
    },
    publish: (body) =>
      post(`http://127.0.0.1:${run.port}/pub`, body, { 'content-type': 'text/plain' }),
    opensInFlight: OPENS_IN_FLIGHT,
    pids: () => [run.child.child.pid!],
    memoryPids: run.memoryPids,
    warmUp: (transport) => warmUp(target, transport),
    inspectorUrl: run.inspectorUrl,
    stop: run.stop,
  }
  return target
}

/** One measured run's figures (bench.ts `RunResult`), or why there is none. */
type Figures = Record<string, number>

/** The section's rows: per `N = … transport` heading, gripgate and the floor. */
export type WorkerdResults = Map<string, [Figures | string, Figures | string]>

/**
 * Runs gripgate and the floor at each size and transport, taking turns, through bench.ts's
 * `measure` (fresh instances per run).
 */
export async function runWorkerdSection<R extends object>(options: {
  origins: Origins
  sizes: readonly number[]
  transports: readonly Transport[]
  label: (transport: Transport, n: number) => string
  measure: (
    name: string,
    starter: () => Promise<Target>,
    transport: Transport,
    n: number
  ) => Promise<R | string>
}): Promise<WorkerdResults> {
  const results: WorkerdResults = new Map()
  const failed = (e: unknown) => `failed: ${(e as Error).message.split('\n')[0]}`
  for (const n of options.sizes) {
    for (const transport of options.transports) {
      const gripgate = await options
        .measure('gripgate (workerd)', () => startWorkerdGripgate(options.origins), transport, n)
        .catch(failed)
      const floor = await options
        .measure('workerd floor', startWorkerdFloor, transport, n)
        .catch(failed)
      results.set(options.label(transport, n), [
        gripgate as Figures | string,
        floor as Figures | string,
      ])
    }
  }
  return results
}

/** The section's markdown: one table per size and transport, gripgate ÷ floor beside. */
export function workerdReport(
  results: WorkerdResults,
  metrics: readonly [string, string, number][],
  runs: number
): string[] {
  const fmt = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a')
  const lines = [
    '## Cloudflare: Durable Object fanout tier vs the workerd floor',
    '',
    `Both under \`wrangler dev\` (local workerd), ${WORKERD_SHARDS} shards each, ${runs === 1 ? '1 run' : `median of ${runs} runs`}, fresh instance and \`--persist-to\` directory per run. gripgate: the GRIP origin fixture's stream hold / WebSocket-over-HTTP, the publish endpoint, the channel's room, the holders. Floor: bench/workerd-floor/ (Worker → shard \`fetch\` answered with an \`IdentityTransformStream\`, hibernating WebSockets, \`/pub\` sent to every shard). RSS per idle conn: the runtime process alone (the workerd that serves \`userWorkerUrl\`), (after connecting N − before) / N, "before" read after the same warm-up for both (${WARM_UP_OPENS} subscribers opened, one publish, all closed: every shard started and the code of a hold run once), so one-time costs are not divided by N. The "wrangler tree" rows add wrangler's Node process and its dev proxy, where wrangler's inspector relay keeps every inspector event of the runtime (one set per request) until a DevTools attaches, i.e. for ever in a bench: dev-only memory that grows with requests, not with held connections (docs/performance.md); the last row is the earlier method (tree, "before" read at start). Ratio: gripgate ÷ floor.`,
    '',
  ]
  for (const [heading, [gripgate, floor]] of results) {
    lines.push(`### ${heading}`, '')
    lines.push('| metric | gripgate | workerd floor | gripgate ÷ floor |', '|---|---:|---:|---:|')
    for (const [key, label, d] of metrics) {
      const value = (r: Figures | string) =>
        typeof r === 'string' ? Number.NaN : (r[key] ?? Number.NaN)
      const cell = (r: Figures | string) => (typeof r === 'string' ? r : fmt(value(r), d))
      lines.push(
        `| ${label} | ${cell(gripgate)} | ${cell(floor)} | ${fmt(value(gripgate) / value(floor), 2)} |`
      )
    }
    lines.push('')
  }
  return lines
}
