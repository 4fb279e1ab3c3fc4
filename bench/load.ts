/**
 * The lean load generator: N SSE subscribers on raw `net` sockets, no HTTP parsing beyond
 * finding a marker (subscribed) and `data: <seq> <sendTime>` lines (deliveries).
 * @module
 */
import net from 'node:net'
import { sleep } from './procs.ts'
import type { Target } from './targets.ts'

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

/** Opens `n` subscribers (at most `inFlight` connecting at once) and waits until all are held. */
export async function subscribe(
  target: Target,
  n: number,
  timeoutMs: number,
  inFlight = 200
): Promise<Subscribers> {
  const request = Buffer.from(
    `GET ${target.subPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n`
  )
  const sockets: net.Socket[] = []
  const counts = new Uint32Array(MAX_MESSAGES)
  const lat: Float64Array[] = []
  const lastAt: bigint[] = new Array(MAX_MESSAGES).fill(0n)
  for (let i = 0; i < MAX_MESSAGES; i++) lat.push(new Float64Array(n))
  let subscribed = 0
  let failed = 0
  let opened = 0
  const marker = target.readyMarker

  const onDelivery = (text: string, now: bigint) => {
    let at = text.indexOf('data: ')
    while (at !== -1) {
      const sp = text.indexOf(' ', at + 6)
      const nl = text.indexOf('\n', at + 6)
      if (sp === -1 || nl === -1 || sp > nl) break
      const seq = Number(text.slice(at + 6, sp))
      const sent = BigInt(text.slice(sp + 1, nl))
      if (seq >= 0 && seq < MAX_MESSAGES) {
        lat[seq]![counts[seq]!] = Number(now - sent)
        counts[seq]!++
        lastAt[seq] = now
      }
      at = text.indexOf('data: ', nl)
    }
  }

  const open = () => {
    const socket = net.connect({ host: '127.0.0.1', port: target.port })
    sockets.push(socket)
    opened++
    let ready = false
    let carry = ''
    socket.setNoDelay(true)
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk: Buffer) => {
      const now = process.hrtime.bigint()
      let text = carry + chunk.toString('latin1')
      if (!ready) {
        const m = text.indexOf(marker)
        if (m === -1) {
          carry = text.slice(-64)
          return
        }
        ready = true
        subscribed++
        text = text.slice(m + marker.length)
      }
      const lastNl = text.lastIndexOf('\n')
      if (lastNl === -1) {
        carry = text
        return
      }
      carry = text.slice(lastNl + 1)
      if (text.indexOf('data: ') !== -1) onDelivery(text.slice(0, lastNl + 1), now)
    })
    socket.on('error', () => {
      failed++
    })
  }

  const began = process.hrtime.bigint()
  const deadline = Date.now() + timeoutMs
  while (opened < n && Date.now() < deadline) {
    while (opened < n && opened - subscribed - failed < inFlight) open()
    await sleep(1)
  }
  while (subscribed + failed < n && Date.now() < deadline) await sleep(5)
  const seconds = Number(process.hrtime.bigint() - began) / 1e9
  const close = () => {
    for (const s of sockets) s.destroy()
  }
  if (subscribed < n) {
    close()
    throw new Error(
      `${target.name}: ${subscribed}/${n} subscribed (${failed} failed) in ${timeoutMs} ms`
    )
  }
  return {
    connectRate: n / seconds,
    count: n,
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
  const v = Float64Array.from(subs.latencies(seq)).sort()
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
