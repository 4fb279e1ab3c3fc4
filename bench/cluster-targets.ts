/**
 * The cluster section's own servers: a private `redis-server` on a free port, and gripgate
 * `serve --workers N` joined over it. Both run under `timeout` and are stopped by the PIDs
 * started here; the Redis process counts in the target's RSS.
 * @module
 */
import { execFileSync } from 'node:child_process'
import net from 'node:net'
import { findExecutable } from '../test/helpers/pushpin.ts'
import { freePort, start, stop, waitFor } from './procs.ts'
import { type Origins, PUBLISH_KEY, startGripgate, type Target } from './targets.ts'

/** Why the cluster rows cannot run, or undefined. */
export function redisMissing(): string | undefined {
  return findExecutable('redis-server')
    ? undefined
    : 'redis-server not installed (apt-get install redis-server)'
}

/** The hard open-file limit of this process (what every child may raise its own to). */
export function hardFdLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim())
  } catch {
    return Number.NaN
  }
}

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

/** A private, empty Redis without persistence. */
async function startRedis() {
  const port = await freePort()
  const child = start('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
    '--loglevel',
    'warning',
  ])
  try {
    await waitFor(() => ping(port), 10_000, `redis-server\n${child.output()}`)
  } catch (e) {
    await stop(child)
    throw e
  }
  return { url: `redis://127.0.0.1:${port}`, child }
}

/**
 * gripgate `serve --workers N` over a fresh private Redis (one per target, so no heartbeat of
 * a stopped run's nodes is still live when the next one publishes).
 */
export async function startGripgateCluster(
  origins: Origins,
  workers: number,
  cacheStreams = false
): Promise<Target> {
  const redis = await startRedis()
  let gripgate: Target
  try {
    gripgate = await startGripgate(
      origins,
      [],
      { workers, redisUrl: redis.url },
      'warn',
      cacheStreams
    )
  } catch (e) {
    await stop(redis.child)
    throw e
  }
  return {
    ...gripgate,
    name: `gripgate --workers ${workers} + Redis`,
    pids: () => [...gripgate.pids(), redis.child.child.pid!],
    stop: async () => {
      await gripgate.stop()
      await stop(redis.child)
    },
  }
}

/** Held connections per node of a gripgate cluster, from `/_gripgate/stats` (last heartbeats). */
export async function connectionsPerNode(target: Target): Promise<number[] | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${target.port}/_gripgate/stats`, {
      headers: { authorization: `Bearer ${PUBLISH_KEY}` },
      signal: AbortSignal.timeout(5000),
    })
    const stats = (await res.json()) as { cluster?: { nodes?: { connections: number }[] } }
    return stats.cluster?.nodes?.map((node) => node.connections)
  } catch {
    return undefined
  }
}
