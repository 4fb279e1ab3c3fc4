/**
 * A private `redis-server` for the cluster tests: its own port on 127.0.0.1, no persistence
 * (`--save "" --appendonly no`), under `timeout` so it ends by itself should the test
 * process die first. `restart()` stops it and starts a new, empty one on the same port: what
 * nodes see when Redis crashes and comes back. Stopped by the PID started here.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import net from 'node:net'
import { findExecutable, freePort } from './pushpin.ts'

/** Why Redis cannot run here, or undefined when `redis-server` is installed. */
export function redisMissing(): string | undefined {
  return findExecutable('redis-server')
    ? undefined
    : 'redis-server not installed (apt-get install redis-server)'
}

export interface RunningRedis {
  url: string
  port: number
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>
  /** Starts it again on the same port, empty. */
  start(): Promise<void>
  /** `stop` then `start`. */
  restart(): Promise<void>
}

const MAX_LIFETIME_SECONDS = 600
const START_TIMEOUT_MS = 10_000

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('connect', () => socket.write('PING\r\n'))
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')))
  })
}

/** Starts a private Redis on a free port. */
export async function startRedis(): Promise<RunningRedis> {
  const port = await freePort()
  let child: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()
  const killOnExit = () => child?.kill('SIGTERM')

  const start = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly']
    args.push('no', '--protected-mode', 'no', '--loglevel', 'warning')
    const timeout = findExecutable('timeout')
    const spawned = timeout
      ? spawn(timeout, ['--kill-after=5', String(MAX_LIFETIME_SECONDS), 'redis-server', ...args], {
          stdio: 'ignore',
        })
      : spawn('redis-server', args, { stdio: 'ignore' })
    child = spawned
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()))
    process.once('exit', killOnExit)
    const deadline = Date.now() + START_TIMEOUT_MS
    while (!(await ping(port))) {
      if (Date.now() > deadline) throw new Error(`redis-server not ready on port ${port}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  const stop = async () => {
    process.off('exit', killOnExit)
    child?.kill('SIGTERM')
    await exited
    child = undefined
  }
  await start()
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    async restart() {
      await stop()
      await start()
    },
  }
}
