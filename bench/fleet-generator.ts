/**
 * One process of the generator fleet (bench/fleet.ts), forked with an IPC channel: opens its
 * share of SSE subscribers from its own source address, then on each `await` waits until a
 * message reached all of them and sends back their latencies. It exits when told to, when its
 * parent goes away (the IPC channel closes), or after `MAX_LIFETIME_MS` whatever happens.
 * @module
 */
import { awaitDelivery, type Subscribers, subscribe } from './load.ts'

/** What the fleet asks of this process. */
export type FleetCommand =
  | {
      type: 'open'
      port: number
      path: string
      ready: string
      n: number
      localAddress: string
      inFlight: number
      timeoutMs: number
      messages: number
    }
  | { type: 'await'; seq: number; ms: number }
  | { type: 'close' }

/** What this process answers. */
export type FleetReply =
  /** Sent once on start: the process is ready for commands (its start is not timed). */
  | { type: 'up' }
  | { type: 'opened'; reconnects: number }
  /** `subscribed`: how many this process held when it gave up. */
  | { type: 'failed'; message: string; subscribed: number }
  /** Latencies in ns of every delivery of `seq` so far; `lastArrival` is hrtime ns (text). */
  | { type: 'delivered'; seq: number; latencies: Float64Array; lastArrival: string }

/** A generator that outlives a bench run by this much is a bug; it ends itself. */
const MAX_LIFETIME_MS = 3_600_000

let subs: Subscribers | undefined

function reply(message: FleetReply) {
  process.send?.(message)
}

function exit(code: number) {
  subs?.close()
  process.exit(code)
}

async function handle(command: FleetCommand) {
  if (command.type === 'close') exit(0)
  else if (command.type === 'open') {
    try {
      const target = {
        name: `generator ${command.localAddress}`,
        port: command.port,
        subscriptions: { sse: { path: command.path, ready: command.ready } },
      }
      subs = await subscribe(target, 'sse', command.n, command.timeoutMs, {
        inFlight: command.inFlight,
        localAddress: command.localAddress,
        messages: command.messages,
      })
      reply({ type: 'opened', reconnects: subs.reconnects })
    } catch (e) {
      const subscribed = (e as { subscribed?: number }).subscribed ?? 0
      reply({ type: 'failed', message: (e as Error).message, subscribed })
    }
  } else if (command.type === 'await') {
    if (!subs) {
      reply({ type: 'failed', message: 'await before open', subscribed: 0 })
      return
    }
    await awaitDelivery(subs, command.seq, command.ms)
    reply({
      type: 'delivered',
      seq: command.seq,
      latencies: Float64Array.from(subs.latencies(command.seq)),
      lastArrival: String(subs.lastArrival(command.seq)),
    })
  }
}

process.on('message', (command: FleetCommand) => void handle(command))
process.on('disconnect', () => exit(0))
setTimeout(() => exit(1), MAX_LIFETIME_MS).unref()
reply({ type: 'up' })
