/**
 * `gripgate serve`: runs the gateway until SIGTERM or SIGINT, then drains; SIGHUP reloads
 * the config file (docs/operations.md).
 * @module
 */
import cluster from 'node:cluster'
import type { GatewayConfig } from '../../../src/config/types.ts'
import type { Logger } from '../../../src/platform.ts'
import { IpcBus } from '../cluster/ipc-bus.ts'
import {
  LISTENING_TAG,
  parseWorkers,
  primaryChannel,
  runPrimary,
  WORKER_ENV,
} from '../cluster/workers.ts'
import { createPino, LOG_LEVELS, loggerOver, parseLogLevel } from '../logger.ts'
import { type RunningGateway, startGateway } from '../server.ts'
import { parseCommandArgs, parsePort } from './args.ts'
import { CliError, DEFAULT_CONFIG_PATH, loadConfig } from './load-config.ts'

export const SERVE_USAGE = `Usage: gripgate serve [--config FILE] [--port N] [--host H] [--workers N]
                      [--admin-port N] [--log-level LEVEL]

Runs the gateway with the embedded fanout tier and in-memory cache; with "cluster.redis" in
the config, as one node of a cluster (docs/cluster.md).

Options:
  -c, --config FILE   config file (default ${DEFAULT_CONFIG_PATH})
  -p, --port N        port to listen on (default $PORT, else 8080)
      --host H        address to listen on (default 127.0.0.1)
      --drain-ms N    on SIGTERM/SIGINT, wait this long for in-flight requests (default 10000)
      --workers N     worker processes sharing the port, as one cluster (default 1; auto =
                      one per core); over Redis with cluster.redis, else over this process
      --admin-port N  also listen on N (admin.host, default 127.0.0.1) for /metrics,
                      /healthz, /readyz and the publish, purge and stats API
      --log-level L   ${LOG_LEVELS.join(', ')} (default $GRIPGATE_LOG, else info); the
                      access log is at info
  -h, --help          show this help

Logs go to stderr as JSON lines (readable lines on a terminal). SIGHUP reloads the config
file: a file with problems is not applied (they are logged), held connections stay.`

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
      'admin-port': { type: 'string' },
      'log-level': { type: 'string' },
    },
    SERVE_USAGE
  )
  if (values.help) {
    out(SERVE_USAGE)
    return 0
  }
  const level = values['log-level']
  if (level !== undefined && parseLogLevel(level) === undefined) {
    throw new CliError(`invalid log level "${level}": expected ${LOG_LEVELS.join(', ')}`, 2)
  }
  const configPath = values.config ?? DEFAULT_CONFIG_PATH
  const config = await loadConfig(configPath)
  const port = parsePort(values.port, parsePort(process.env.PORT, 8080))
  const adminPort = values['admin-port']
  const admin =
    adminPort === undefined
      ? config.admin
      : { host: config.admin?.host ?? '127.0.0.1', port: parsePort(adminPort, 0) }
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
  const log = createPino(level === undefined ? {} : { level })
  const logger = loggerOver(log)
  const running = await startGateway({
    config,
    port,
    host: values.host ?? '127.0.0.1',
    bus,
    log,
    logger,
    ...(admin ? { admin } : {}),
    ...(cluster.isWorker ? { metricLabels: { worker: String(cluster.worker?.id ?? 0) } } : {}),
  })
  if (ours) process.send?.({ tag: LISTENING_TAG, url: running.url, adminUrl: running.adminUrl })
  else {
    out(`gripgate listening on ${running.url}`)
    if (running.adminUrl) out(`admin endpoints on ${running.adminUrl}`)
  }
  const stopReloading = reloadOnHangup(running, () => loadConfig(configPath), logger)
  return waitForSignal(async (signal) => {
    stopReloading()
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

/**
 * On SIGHUP, reads and validates the config file again and applies it (`RunningGateway.reload`);
 * a file that does not load is logged and the running config stays. Returns the unhook.
 */
export function reloadOnHangup(
  running: Pick<RunningGateway, 'reload'>,
  load: () => Promise<GatewayConfig>,
  logger: Logger
): () => void {
  // One reload at a time; a SIGHUP during one is applied after it, reading the file again.
  let chain = Promise.resolve()
  const reload = () => {
    chain = chain.then(async () => {
      let config: GatewayConfig
      try {
        config = await load()
      } catch (error) {
        logger.error('config reload failed; the running config stays', {
          error: (error as Error).message,
        })
        return
      }
      const restart = running.reload(config)
      logger.info('config reloaded', {})
      if (restart.length > 0) {
        logger.warn('config sections changed that take effect only on a restart', {
          sections: restart,
        })
      }
    })
  }
  process.on('SIGHUP', reload)
  return () => process.off('SIGHUP', reload)
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
