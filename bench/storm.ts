/**
 * The reconnect storm (issue #15): N SSE subscribers over `CHANNELS` channels receive events
 * 1-10, all drop at once, 20 more events per channel are published while they are away, and
 * all reconnect at once with their `Last-Event-ID`; then one live event follows. Reported per
 * server: origin requests during the storm, events lost, duplicates, and the time from the
 * first reconnect until every subscriber has all 20 missed events.
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startPushpin as startPrivatePushpin } from '../test/helpers/pushpin.ts'
import {
  answers,
  type Child,
  freePort,
  sleep,
  start,
  startGripgateServe,
  stop,
  treeCpuMs,
  waitFor,
} from './procs.ts'
import { openAll, StormSubscriber } from './storm-client.ts'
import { startFloorProcess } from './targets.ts'

/** Channels the subscribers are spread over. */
export const CHANNELS = 10
const BEFORE = 10
const GAP = 20
const LIVE = BEFORE + GAP + 1
const GRIP_KEY = 'storm-grip-key'
const PUBLISH_KEY = 'storm-publish-key'
const CATCH_UP_LIMIT_MS = 60_000

/** One server as the storm sees it. */
export interface StormTarget {
  name: string
  port: number
  /** The subscriber path of a channel. */
  path(channel: string): string
  publish(items: object[]): Promise<void>
  /** The server's process trees, for its CPU time. */
  pids(): number[]
  stop(): Promise<void>
}

/** What one storm measured. */
export interface StormResult {
  originRequests: number
  lost: number
  duplicates: number
  /** From the first reconnect until every subscriber had all missed events (NaN: never). */
  catchUpMs: number
  /** From the first reconnect until every subscriber's hold had answered. */
  reconnectMs: number
  /** The first connects (no Last-Event-ID): from the first until every hold had answered. */
  connectMs: number
  /** Server CPU time (user + system) over the first connects, ms. */
  connectCpuMs: number
  /** Server CPU time from the first reconnect until all caught up (or gave up), ms. */
  reconnectCpuMs: number
  /** The load generator's own CPU time (this process) over the reconnects, ms. */
  generatorCpuMs: number
  /** Subscribers that missed some of events 1-10 before the storm (not counted as lost). */
  missedBefore: number
  failedOpens: number
}

/** The storm origin (storm-origin.mjs). */
export interface StormOrigin {
  port: number
  record(items: object[]): Promise<void>
  requests(): Promise<number>
  reset(): Promise<void>
  stop(): Promise<void>
}

export async function startStormOrigin(): Promise<StormOrigin> {
  const port = await freePort()
  const child = start('node', ['bench/storm-origin.mjs'], { PORT: String(port) })
  const base = `http://127.0.0.1:${port}`
  await waitFor(() => answers(`${base}/stats`), 20_000, `storm origin\n${child.output()}`)
  return {
    port,
    record: (items) => post(`${base}/record`, JSON.stringify(items)),
    requests: async () =>
      ((await (await fetch(`${base}/stats`)).json()) as { requests: number }).requests,
    reset: () => post(`${base}/reset-stats`, ''),
    stop: () => stop(child),
  }
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', body, headers })
  await res.arrayBuffer()
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status}`)
}

/** SSE events whose item id is the SSE id, as docs/history.md asks of publishers. */
function events(seq: number) {
  return Array.from({ length: CHANNELS }, (_, c) => ({
    channel: `storm-${c}`,
    id: String(seq),
    ...(seq > 1 ? { 'prev-id': String(seq - 1) } : {}),
    formats: { 'http-stream': { content: `id: ${seq}\ndata: ${seq}\n\n` } },
  }))
}

async function publishRange(target: StormTarget, origin: StormOrigin, from: number, to: number) {
  const items = []
  for (let seq = from; seq <= to; seq++) items.push(...events(seq))
  await origin.record(
    items.map((i) => ({
      channel: i.channel,
      id: Number(i.id),
      content: i.formats['http-stream'].content,
    }))
  )
  await target.publish(items)
}

/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs
  while (!done() && Date.now() < deadline) await sleep(20)
  return done()
}

/** Runs one storm of `n` subscribers against `target`. */
export async function runStorm(
  target: StormTarget,
  origin: StormOrigin,
  n: number
): Promise<StormResult> {
  const subs = Array.from(
    { length: n },
    (_, i) => new StormSubscriber(`storm-${i % CHANNELS}`, LIVE)
  )
  const pathOf = (sub: StormSubscriber) => target.path(sub.channel)
  const cpu = () => treeCpuMs(target.pids())
  try {
    const connectAt = process.hrtime.bigint()
    const connectCpu = cpu()
    let failedOpens = await openAll(target.port, pathOf, subs, false)
    const connectMs = Number(process.hrtime.bigint() - connectAt) / 1e6
    const connectCpuMs = cpu() - connectCpu
    // Pushpin updates every session about 1 s after its channel's first subscription.
    await sleep(2000)
    await publishRange(target, origin, 1, BEFORE)
    await until(() => subs.every((s) => s.lastSeq >= BEFORE), 30_000)
    const missedBefore = subs.filter((s) => s.tally(1, BEFORE).lost > 0).length
    for (const sub of subs) sub.socket?.destroy()
    // The server has 10,000 closes to handle; the storm should not compete with them.
    await sleep(3000)
    await publishRange(target, origin, BEFORE + 1, BEFORE + GAP)
    await sleep(200)
    await origin.reset()
    for (const sub of subs) sub.watch(BEFORE + 1, BEFORE + GAP)
    const stormCpu = cpu()
    const generatorAt = process.cpuUsage()
    const stormAt = process.hrtime.bigint()
    failedOpens += await openAll(target.port, pathOf, subs, true)
    const reconnectMs = Number(process.hrtime.bigint() - stormAt) / 1e6
    const generatorCpuMs = cpuMsSince(generatorAt)
    await until(() => subs.every((s) => s.caughtUpAt !== undefined), CATCH_UP_LIMIT_MS)
    const reconnectCpuMs = cpu() - stormCpu
    let last = stormAt
    let caughtUp = true
    for (const sub of subs) {
      if (sub.caughtUpAt === undefined) caughtUp = false
      else if (sub.caughtUpAt > last) last = sub.caughtUpAt
    }
    await publishRange(target, origin, LIVE, LIVE)
    await until(() => subs.every((s) => s.counts[LIVE]! > 0), 20_000)
    // Late duplicates (a recovery that answered twice) have a moment to show.
    await sleep(1000)
    let lost = 0
    let duplicates = 0
    for (const sub of subs) {
      const t = sub.tally(BEFORE + 1, LIVE)
      lost += t.lost
      duplicates += t.duplicates
    }
    return {
      originRequests: await origin.requests(),
      lost,
      duplicates,
      catchUpMs: caughtUp ? Number(last - stormAt) / 1e6 : Number.NaN,
      reconnectMs,
      connectMs,
      connectCpuMs,
      reconnectCpuMs,
      generatorCpuMs,
      failedOpens,
      missedBefore,
    }
  } finally {
    for (const sub of subs) sub.socket?.destroy()
  }
}

/** What connecting alone measured (the node:http floor: no GRIP, no history). */
export type ConnectResult = Pick<
  StormResult,
  'connectMs' | 'connectCpuMs' | 'reconnectMs' | 'reconnectCpuMs' | 'generatorCpuMs' | 'failedOpens'
>

/** This process's CPU time (user + system) since `from`, ms. */
function cpuMsSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from)
  return (used.user + used.system) / 1000
}

/**
 * The storm's connects without the storm: `n` subscribers open, drop, and open again with
 * their `Last-Event-ID`, exactly as `runStorm` opens them. Against the node:http floor it
 * shows what connecting costs Node itself and the load generator on this machine.
 */
export async function runConnects(target: StormTarget, n: number): Promise<ConnectResult> {
  const subs = Array.from(
    { length: n },
    (_, i) => new StormSubscriber(`storm-${i % CHANNELS}`, LIVE)
  )
  const pathOf = (sub: StormSubscriber) => target.path(sub.channel)
  const cpu = () => treeCpuMs(target.pids())
  const timed = async (lastEventId: boolean) => {
    const at = process.hrtime.bigint()
    const cpuAt = cpu()
    const generatorAt = process.cpuUsage()
    const failed = await openAll(target.port, pathOf, subs, lastEventId)
    return {
      ms: Number(process.hrtime.bigint() - at) / 1e6,
      cpuMs: cpu() - cpuAt,
      generatorCpuMs: cpuMsSince(generatorAt),
      failed,
    }
  }
  try {
    const first = await timed(false)
    for (const sub of subs) sub.socket?.destroy()
    await sleep(3000)
    const again = await timed(true)
    return {
      connectMs: first.ms,
      connectCpuMs: first.cpuMs,
      reconnectMs: again.ms,
      reconnectCpuMs: again.cpuMs,
      generatorCpuMs: again.generatorCpuMs,
      failedOpens: first.failed + again.failed,
    }
  } finally {
    for (const sub of subs) sub.socket?.destroy()
  }
}

/** The node:http floor (bench/node-floor.mjs) as a storm target: it holds, nothing more. */
export async function startStormFloor(): Promise<StormTarget> {
  const { port, child } = await startFloorProcess()
  return {
    name: 'node:http floor',
    port,
    path: (channel) => `/events/${channel}`,
    publish: async () => {
      throw new Error('the node:http floor takes no publishes')
    },
    pids: () => [child.child.pid!],
    stop: () => stop(child),
  }
}

/** gripgate on the storm origin; `history` turns the channel history on. */
export async function startStormGripgate(
  origin: StormOrigin,
  options: { history: boolean; mode: 'cached' | 'origin'; nodeArgs?: string[] }
): Promise<StormTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'gripgate-storm-'))
  const port = await freePort()
  const config = {
    origins: { storm: { url: `http://127.0.0.1:${origin.port}` } },
    routes: [{ path: '/*', origin: 'storm' }],
    grip: { key: GRIP_KEY },
    // Publishes leave the cached instruction in place: with history it needs no refresh.
    publish: { keys: [PUBLISH_KEY], purge: { channels: false } },
    limits: { maxConnections: 200_000 },
    ...(options.history ? { history: { size: 100, ttlSeconds: 300 } } : {}),
  }
  const child: Child = await startGripgateServe(dir, config, port, options.nodeArgs)
  const base = `http://127.0.0.1:${port}`
  await waitFor(() => answers(`${base}/stats`), 20_000, `gripgate\n${child.output()}`)
  return {
    name: 'gripgate',
    port,
    path: (channel) => `/events/${channel}?mode=${options.mode}`,
    publish: (items) =>
      post(`${base}/publish/`, JSON.stringify({ items }), {
        authorization: `Bearer ${PUBLISH_KEY}`,
        'content-type': 'application/json',
      }),
    pids: () => [child.child.pid!],
    stop: async () => {
      await stop(child)
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Pushpin on the storm origin: it recovers through the origin (mode=origin). */
export async function startStormPushpin(origin: StormOrigin): Promise<StormTarget> {
  const pushpin = await startPrivatePushpin({
    originPort: origin.port,
    sigKey: GRIP_KEY,
    readyPath: '/events/ready?mode=cached',
    tuning: {
      messageRate: 1_000_000,
      messageHwm: 200_000,
      clientMaxconn: 60_000,
      zurlMaxOpenRequests: 20_000,
      zurlHwm: 20_000,
      logLevel: 1,
    },
  })
  return {
    name: 'pushpin',
    port: Number(new URL(pushpin.url).port),
    path: (channel) => `/events/${channel}?mode=origin`,
    publish: (items) =>
      post(`${pushpin.controlUri}publish/`, JSON.stringify({ items }), {
        'content-type': 'application/json',
      }),
    pids: pushpin.pids,
    stop: pushpin.stop,
  }
}
