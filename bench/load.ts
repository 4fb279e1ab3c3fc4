/**
 * The lean load generator: N subscribers on raw `net` sockets, SSE (sse-client.ts) or
 * WebSocket (ws-client.ts), each waited for until it is subscribed; then per-message delivery
 * latency from the `<seq> <sendTimeNs>` stamp every message carries.
 * A subscriber whose socket closes before it is subscribed, or that is not subscribed within
 * `READY_TIMEOUT_MS`, is destroyed and opened again, at most `MAX_RETRIES` times: under a
 * connect storm a server may reset a connection or time out its origin request, and one lost
 * open should not fail a run of 10,000 (the re-opens are counted and reported).
 * @module
 */
import net from 'node:net'
import { sleep } from './procs.ts'
import type { Protocol, Sink } from './protocol.ts'
import { sseProtocol } from './sse-client.ts'
import type { Target, Transport } from './targets.ts'
import { wsProtocol } from './ws-client.ts'

/** Latency summary of one message, milliseconds. */
export interface Latency {
  first: number
  median: number
  p99: number
  last: number
  delivered: number
}

export interface Subscribers {
  /** Subscribers per second while connecting (first SYN to last subscribed). */
  connectRate: number
  count: number
  /** Subscribers opened again after a failed or stuck open. */
  reconnects: number
  /** Deliveries of message `seq` so far. */
  deliveries(seq: number): number
  /** Latencies (ns from the message's timestamp) of message `seq`. */
  latencies(seq: number): Float64Array
  /** Receive time (hrtime ns) of the last delivery of `seq`. */
  lastArrival(seq: number): bigint
  close(): void
}

/** Message slots per run (latency probes plus the burst). */
export const MAX_MESSAGES = 256
/** How long one open may take before it is given up and tried again. */
const READY_TIMEOUT_MS = 10_000
/** Re-opens per subscriber. */
const MAX_RETRIES = 3
/** Pause before a re-open, so a server that just refused is not hammered at once. */
const RETRY_DELAY_MS = 200
/** How often opens are checked against `READY_TIMEOUT_MS`. */
const SWEEP_MS = 500

function protocolOf(
  target: Pick<Target, 'name' | 'port' | 'subscriptions'>,
  transport: Transport
): Protocol {
  const sub = target.subscriptions[transport]
  if (!sub) throw new Error(`${target.name} has no ${transport} subscription`)
  if (transport === 'ws') return wsProtocol(sub.path, target.port, sub.ready)
  if (sub.ready === undefined) throw new Error(`${target.name}: an SSE subscription needs a marker`)
  return sseProtocol(sub.path, sub.ready)
}

/** How a generator opens its subscribers. */
export interface SubscribeOptions {
  /** Opens in flight at once (default 200). */
  inFlight?: number
  /**
   * Source address of every socket (`127.0.0.x`): each source address has its own ephemeral
   * port range (about 28,000 here), so several generators together can hold more than one range.
   */
  localAddress?: string
  /** Message slots (default `MAX_MESSAGES`); each costs 8 bytes per subscriber. */
  messages?: number
}

/** Opens `n` subscribers (at most `inFlight` opening at once) and waits until all are held. */
export async function subscribe(
  target: Pick<Target, 'name' | 'port' | 'subscriptions'>,
  transport: Transport,
  n: number,
  timeoutMs: number,
  options: SubscribeOptions = {}
): Promise<Subscribers> {
  const { inFlight = 200, localAddress, messages = MAX_MESSAGES } = options
  const protocol = protocolOf(target, transport)
  const sockets: (net.Socket | undefined)[] = new Array(n)
  const retries = new Uint8Array(n)
  /** Date.now() of each subscriber's current open; 0 once subscribed or while waiting to retry. */
  const openedAt = new Float64Array(n)
  const counts = new Uint32Array(messages)
  const lat: Float64Array[] = []
  const lastAt: bigint[] = new Array(messages).fill(0n)
  for (let i = 0; i < messages; i++) lat.push(new Float64Array(n))
  let started = 0
  let subscribed = 0
  let failed = 0
  let reconnects = 0
  let closing = false

  const message: Sink['message'] = (seq, sentNs, now) => {
    if (seq >= messages) return
    const i = counts[seq]!
    if (i >= n) return // more deliveries than subscribers: duplicates; keep to the array
    lat[seq]![i] = Number(now) - sentNs
    counts[seq] = i + 1
    lastAt[seq] = now
  }

  const retry = (slot: number) => {
    const old = sockets[slot]
    sockets[slot] = undefined
    openedAt[slot] = 0
    old?.destroy()
    if (retries[slot]! >= MAX_RETRIES) {
      failed++
      return
    }
    retries[slot]!++
    reconnects++
    setTimeout(() => {
      if (!closing) open(slot)
    }, RETRY_DELAY_MS)
  }

  const open = (slot: number) => {
    const socket = net.connect({ host: '127.0.0.1', port: target.port, localAddress })
    sockets[slot] = socket
    openedAt[slot] = Date.now()
    let ready = false
    const read = protocol.reader(socket, {
      ready: () => {
        ready = true
        openedAt[slot] = 0
        subscribed++
      },
      message,
    })
    socket.setNoDelay(true)
    socket.on('connect', () => socket.write(protocol.request))
    socket.on('data', (chunk: Buffer) => read(chunk, process.hrtime.bigint()))
    // 'close' follows every error; a subscribed socket that closes just misses its deliveries.
    socket.on('error', () => {})
    socket.on('close', () => {
      if (!ready && !closing && sockets[slot] === socket) retry(slot)
    })
  }

  const sweep = () => {
    const stale = Date.now() - READY_TIMEOUT_MS
    for (let slot = 0; slot < started; slot++) {
      const at = openedAt[slot]!
      if (at !== 0 && at < stale) retry(slot)
    }
  }

  const began = process.hrtime.bigint()
  const deadline = Date.now() + timeoutMs
  let swept = Date.now()
  while (subscribed + failed < n && Date.now() < deadline) {
    while (started < n && started - subscribed - failed < inFlight) open(started++)
    if (Date.now() - swept >= SWEEP_MS) {
      sweep()
      swept = Date.now()
    }
    await sleep(started < n ? 1 : 5)
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9
  const close = () => {
    closing = true
    for (const s of sockets) s?.destroy()
  }
  if (subscribed < n) {
    close()
    // `subscribed` rides along, so a fleet of generators can add up how far it got.
    throw Object.assign(
      new Error(
        `${target.name}: ${subscribed}/${n} subscribed (${failed} failed, ${reconnects} reconnects) in ${timeoutMs} ms`
      ),
      { subscribed }
    )
  }
  return {
    connectRate: n / seconds,
    count: n,
    reconnects,
    deliveries: (seq) => counts[seq]!,
    latencies: (seq) => lat[seq]!.subarray(0, counts[seq]!),
    lastArrival: (seq) => lastAt[seq]!,
    close,
  }
}

/** Publishes message `seq` stamped with the current hrtime. */
export function publishOne(target: Target, seq: number): Promise<void> {
  return target.publish(`${seq} ${process.hrtime.bigint()}`)
}

/** Waits until message `seq` reached all `n` subscribers (or `ms` passed). */
export async function awaitDelivery(subs: Subscribers, seq: number, ms: number) {
  const deadline = Date.now() + ms
  while (subs.deliveries(seq) < subs.count && Date.now() < deadline) await sleep(1)
}

/** first / median / p99 / last of one message, ms. */
export function summarize(subs: Subscribers, seq: number): Latency {
  return summarizeNs(Float64Array.from(subs.latencies(seq)))
}

/** first / median / p99 / last, ms, of latencies in ns (sorted in place). */
export function summarizeNs(latencies: Float64Array): Latency {
  const v = latencies.sort()
  const pick = (q: number) =>
    v.length ? v[Math.min(v.length - 1, Math.floor(q * v.length))]! / 1e6 : Number.NaN
  return {
    first: v.length ? v[0]! / 1e6 : Number.NaN,
    median: pick(0.5),
    p99: pick(0.99),
    last: v.length ? v[v.length - 1]! / 1e6 : Number.NaN,
    delivered: v.length,
  }
}
