/**
 * `gripgate serve --workers N`: N worker processes on one port (node:cluster hands accepted
 * connections to the workers in turn). Each worker is a full gateway node; they form one
 * cluster over Redis when `cluster.redis` is set, else over a relay in this primary process
 * (`MemoryBroker` reached over IPC: the same bus contract, without installing anything).
 * @module
 */
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import type { GatewayConfig } from '../../../src/config/types.ts'
import { CliError } from '../commands/load-config.ts'
import { type IpcChannel, serveBusOverIpc } from './ipc-bus.ts'
import { MemoryBroker } from './memory-broker.ts'

/**
 * Set by the primary in its workers' environment: `relay` when the primary relays the bus.
 * Checked instead of `cluster.isWorker`, so a process manager that runs gripgate under its
 * own node:cluster primary (pm2's cluster mode) does not make it wait for a relay.
 */
export const WORKER_ENV = 'GRIPGATE_WORKER_BUS'

/** The message a worker sends its primary once it listens. */
export const LISTENING_TAG = 'gripgate-listening'

/** A worker's end of the IPC link to its primary. */
export function primaryChannel(): IpcChannel {
  return {
    send: (message) => process.send?.(message),
    on: (_event, listener) => process.on('message', listener),
    off: (_event, listener) => process.off('message', listener),
  }
}

/** Parses `--workers`: a positive integer or `auto` (the cores this process may use). */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1
  if (value === 'auto') return availableParallelism()
  const count = Number(value)
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new CliError(
      `invalid --workers "${value}": expected an integer from 1 to 256, or auto`,
      2
    )
  }
  return count
}

export interface PrimaryOptions {
  count: number
  config: GatewayConfig
  drainMs: number
  out: (line: string) => void
  /** Resolves when the primary should stop (a signal), with its name. */
  stopSignal: Promise<string>
}

/**
 * Runs the primary: forks the workers, relays the bus when there is no Redis, re-forks a
 * worker that dies after it listened, and on the stop signal stops every worker and waits.
 * Resolves with the exit code.
 */
export async function runPrimary(options: PrimaryOptions): Promise<number> {
  const { count, out } = options
  const broker = options.config.cluster?.redis ? undefined : new MemoryBroker()
  let stopping = false
  let listened = 0
  let announced = false
  const alive = new Set<Worker>()
  let failStart: (reason: string) => void = () => {}
  const startFailed = new Promise<string>((resolve) => {
    failStart = resolve
  })

  const fork = () => {
    const worker = cluster.fork({ [WORKER_ENV]: broker ? 'relay' : 'redis' })
    alive.add(worker)
    const unserve = broker ? serveBusOverIpc(broker, worker) : () => {}
    let listening = false
    worker.on('message', (message: unknown) => {
      const { url, adminUrl } = (message ?? {}) as { url?: unknown; adminUrl?: unknown }
      if ((message as { tag?: unknown })?.tag !== LISTENING_TAG || typeof url !== 'string') return
      listening = true
      listened += 1
      if (!announced && listened >= count) {
        announced = true
        out(`gripgate listening on ${url} (${count} workers)`)
        // The workers share the admin port too: each scrape reaches one of them.
        if (typeof adminUrl === 'string') out(`admin endpoints on ${adminUrl}`)
      }
    })
    worker.on('exit', (code, signal) => {
      alive.delete(worker)
      unserve()
      if (stopping) return
      if (!listening) {
        failStart(`a worker exited before it listened (code ${code}, signal ${signal})`)
        return
      }
      out(`worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another`)
      fork()
    })
  }
  for (let i = 0; i < count; i++) fork()
  // SIGHUP reloads the config in every worker (each reads the file itself); the primary
  // has nothing to reload, but must not die of it.
  const hangUp = () => {
    for (const worker of alive) worker.process.kill('SIGHUP')
  }
  process.on('SIGHUP', hangUp)

  const outcome = await Promise.race([
    options.stopSignal.then((signal) => ({ signal })),
    startFailed.then((failure) => ({ failure })),
  ])
  stopping = true
  process.off('SIGHUP', hangUp)
  if ('signal' in outcome) out(`${outcome.signal}: stopping ${alive.size} workers`)
  else out(`gripgate serve: ${outcome.failure}; stopping`)
  const exited = [...alive].map(
    (worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve()))
  )
  for (const worker of alive) worker.process.kill('SIGTERM')
  const hardStop = setTimeout(() => {
    for (const worker of alive) worker.process.kill('SIGKILL')
  }, options.drainMs + 2000)
  await Promise.all(exited)
  clearTimeout(hardStop)
  broker?.close()
  return 'signal' in outcome ? 0 : 1
}
