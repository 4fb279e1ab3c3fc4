/**
 * A load generator in several processes (bench/fleet-generator.ts), for more SSE subscribers
 * than one process may hold: the hard open-file limit here is 20,000 per process, and one
 * source address has one ephemeral port range (about 28,000 ports towards one server port).
 * Process `i` opens its share from `127.0.0.<2 + i>` (all of 127.0.0.0/8 is loopback on
 * Linux). Latencies come from the `<seq> <sendTimeNs>` stamp as in load.ts: hrtime is
 * CLOCK_MONOTONIC, one clock for every process on the machine.
 * @module
 */
import { type ChildProcess, fork } from 'node:child_process'
import type { FleetCommand, FleetReply } from './fleet-generator.ts'
import { type Latency, summarizeNs } from './load.ts'
import type { Target } from './targets.ts'

/** Subscribers one generator process holds at most (under the 20,000 fds, with room). */
export const PER_PROCESS = 12_500

/** The fleet's options. */
export interface FleetOptions {
  /** Generator processes (default: enough for `PER_PROCESS` each, at least 2). */
  processes?: number
  /** Opens in flight over the whole fleet (default 400). */
  inFlight?: number
  /** Time for all subscribers to be held. */
  timeoutMs: number
  /** Message slots per subscriber (see load.ts). */
  messages: number
}

/** Subscribers held by the fleet. */
export interface Fleet {
  count: number
  processes: number
  /** Source addresses used, first to last. */
  addresses: [string, string]
  connectRate: number
  reconnects: number
  /** Waits (at most `ms`) until `seq` reached every subscriber; its latencies over the fleet. */
  delivery(seq: number, ms: number): Promise<Latency>
  close(): Promise<void>
}

/** Grace beyond a command's own deadline before a silent generator counts as failed. */
const REPLY_GRACE_MS = 30_000

/** Forks the generators and opens `n` SSE subscribers of `target` over them. */
export async function openFleet(target: Target, n: number, options: FleetOptions): Promise<Fleet> {
  const sub = target.subscriptions.sse
  if (!sub?.ready) throw new Error(`${target.name} has no SSE subscription`)
  const count = options.processes ?? Math.max(2, Math.ceil(n / PER_PROCESS))
  if (count > 250) throw new Error(`${count} generator processes: more than 127.0.0.2-251`)
  const inFlight = Math.max(10, Math.floor((options.inFlight ?? 400) / count))
  /** Subscribers of generator `i`: an even split, the first ones taking the remainder. */
  const shareOf = (i: number) => Math.floor(n / count) + (i < n % count ? 1 : 0)
  const children: ChildProcess[] = []
  const exited: Promise<void>[] = []
  const up: Promise<void>[] = []
  for (let i = 0; i < count; i++) {
    // Forked with the parent's execArgv (`--import tsx`); structured clone carries Float64Arrays.
    const child = fork('bench/fleet-generator.ts', { serialization: 'advanced', stdio: 'inherit' })
    children.push(child)
    exited.push(new Promise((resolve) => child.once('exit', () => resolve())))
    up.push(
      new Promise((resolve, reject) => {
        child.once('message', () => resolve())
        child.once('exit', (code) => reject(new Error(`generator exited (${code}) on start`)))
      })
    )
  }
  const close = async () => {
    for (const child of children) if (child.connected) child.send({ type: 'close' })
    const killed = setTimeout(() => {
      for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    }, 5000)
    await Promise.all(exited)
    clearTimeout(killed)
  }
  const ask = (child: ChildProcess, command: FleetCommand, ms: number) =>
    new Promise<FleetReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.off('message', onMessage)
        reject(new Error(`generator ${child.pid}: no answer to ${command.type} in ${ms} ms`))
      }, ms + REPLY_GRACE_MS)
      const onMessage = (message: FleetReply) => {
        clearTimeout(timer)
        child.off('message', onMessage)
        if (message.type === 'failed')
          reject(Object.assign(new Error(message.message), { subscribed: message.subscribed }))
        else resolve(message)
      }
      child.on('message', onMessage)
      child.send(command)
    })

  try {
    let timer: NodeJS.Timeout | undefined
    await Promise.race([
      Promise.all(up),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('generators not up in 30 s')), 30_000)
      }),
    ]).finally(() => clearTimeout(timer))
    const began = process.hrtime.bigint()
    const settled = await Promise.allSettled(
      children.map((child, i) => {
        return ask(
          child,
          {
            type: 'open',
            port: target.port,
            path: sub.path,
            ready: sub.ready!,
            n: shareOf(i),
            localAddress: `127.0.0.${2 + i}`,
            inFlight,
            timeoutMs: options.timeoutMs,
            messages: options.messages,
          },
          options.timeoutMs
        )
      })
    )
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []))
    if (failures.length) {
      const held = settled.reduce(
        (sum, s, i) =>
          sum +
          (s.status === 'fulfilled'
            ? shareOf(i)
            : ((s.reason as { subscribed?: number }).subscribed ?? 0)),
        0
      )
      throw Object.assign(
        new Error(`${held}/${n} held; ${failures.map((e) => e.message).join('; ')}`),
        { subscribed: held }
      )
    }
    const opened = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
    const seconds = Number(process.hrtime.bigint() - began) / 1e9
    return {
      count: n,
      processes: count,
      addresses: ['127.0.0.2', `127.0.0.${1 + count}`],
      connectRate: n / seconds,
      reconnects: opened.reduce((sum, r) => sum + (r.type === 'opened' ? r.reconnects : 0), 0),
      delivery: async (seq, ms) => {
        const replies = await Promise.all(
          children.map((child) => ask(child, { type: 'await', seq, ms }, ms))
        )
        const parts = replies.flatMap((r) => (r.type === 'delivered' ? [r.latencies] : []))
        const all = new Float64Array(parts.reduce((sum, p) => sum + p.length, 0))
        let at = 0
        for (const part of parts) {
          all.set(part, at)
          at += part.length
        }
        return summarizeNs(all)
      },
      close,
    }
  } catch (e) {
    await close()
    throw e
  }
}
