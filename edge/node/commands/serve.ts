/**
 * `gripgate serve`: runs the gateway until SIGTERM or SIGINT, then drains.
 * @module
 */
import cluster from 'node:cluster'
import { IpcBus } from '../cluster/ipc-bus.ts'
import {
  LISTENING_TAG,
  parseWorkers,
  primaryChannel,
  runPrimary,
  WORKER_ENV,
} from '../cluster/workers.ts'
import { startGateway } from '../server.ts'
import { parseCommandArgs, parsePort } from './args.ts'
import { DEFAULT_CONFIG_PATH, loadConfig } from './load-config.ts'

export const SERVE_USAGE = `Usage: gripgate serve [--config FILE] [--port N] [--host H] [--workers N]

Runs the gateway with the embedded fanout tier and in-memory cache; with "cluster.redis" in
the config, as one node of a cluster (docs/cluster.md).

Options:
  -c, --config FILE   config file (default ${DEFAULT_CONFIG_PATH})
  -p, --port N        port to listen on (default $PORT, else 8080)
      --host H        address to listen on (default 127.0.0.1)
      --drain-ms N    on SIGTERM/SIGINT, wait this long for in-flight requests (default 10000)
      --workers N     worker processes sharing the port, as one cluster (default 1; auto =
                      one per core); over Redis with cluster.redis, else over this process
  -h, --help          show this help`

/** Runs the serve command; resolves with the exit code once the gateway stopped. */
export async function runServe(argv: string[], out: (line: string) => void): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      'drain-ms': { type: 'string' },
      workers: { type: 'string' },
    },
    SERVE_USAGE
  )
  if (values.help) {
    out(SERVE_USAGE)
    return 0
  }
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_PATH)
  const port = parsePort(values.port, parsePort(process.env.PORT, 8080))
  const drainMs = parsePort(values['drain-ms'], 10_000)
  const workers = parseWorkers(values.workers)
  if (workers > 1 && cluster.isPrimary) {
    return runPrimary({
      count: workers,
      config,
      drainMs,
      out,
      stopSignal: new Promise((resolve) => {
        void waitForSignal(async (signal) => resolve(signal))
      }),
    })
  }
  // A worker of `--workers N` clusters through the primary unless Redis is configured.
  const ours = cluster.isWorker && process.env[WORKER_ENV] !== undefined
  const bus = ours && process.env[WORKER_ENV] === 'relay' ? new IpcBus(primaryChannel()) : undefined
  const running = await startGateway({ config, port, host: values.host ?? '127.0.0.1', bus })
  if (ours) process.send?.({ tag: LISTENING_TAG, url: running.url })
  else out(`gripgate listening on ${running.url}`)
  return waitForSignal(async (signal) => {
    out(`${signal}: draining (up to ${drainMs} ms)`)
    let drained = false
    // The drain destroys every connection at its deadline; this catches whatever else would
    // keep the process alive after it (an origin request a closing socket started, …).
    const hardStop = setTimeout(() => {
      out(`still busy ${HARD_STOP_MS} ms after the drain deadline; exiting`)
      process.exit(drained ? 0 : 1)
    }, drainMs + HARD_STOP_MS)
    hardStop.unref()
    await running.close(drainMs)
    drained = true
  })
}

/** How long after `--drain-ms` the process exits whatever is still open. */
const HARD_STOP_MS = 1000

/** Resolves with exit code 0 after the first SIGTERM/SIGINT and `onSignal` finished. */
export function waitForSignal(
  onSignal: (signal: NodeJS.Signals) => Promise<void>
): Promise<number> {
  return new Promise((resolve) => {
    const handle = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', handle)
      process.off('SIGINT', handle)
      onSignal(signal).then(
        () => resolve(0),
        () => resolve(1)
      )
    }
    process.on('SIGTERM', handle)
    process.on('SIGINT', handle)
  })
}
