/**
 * The servers under test: gripgate, Pushpin (private zurl, own ports, as
 * test/helpers/pushpin.ts) and nginx + nchan (plus nginx proxy_cache for the cache-hit run).
 * Every process listens on 127.0.0.1 and is stopped by the PID started here.
 *
 * Each serves SSE and WebSocket subscribers. gripgate and Pushpin hold both through the GRIP
 * origin fixture (fixtures/grip-origin): an SSE stream hold, and WebSocket-over-HTTP whose OPEN
 * the origin accepts, subscribes to the channel and greets with `ready bench`. nchan serves
 * both transports on one location. One publish reaches both: an SSE event `data: <body>` and a
 * WebSocket text message `<body>`.
 * @module
 */
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { wsReadyMessage } from '../fixtures/grip-origin/origin.ts'
import { findExecutable, startPushpin as startPrivatePushpin } from '../test/helpers/pushpin.ts'

export { pushpinMissing } from '../test/helpers/pushpin.ts'

import { answers, freePort, start, startGripgateServe, stop, waitFor } from './procs.ts'

export const GRIP_KEY = 'bench-grip-key'
export const PUBLISH_KEY = 'bench-publish-key'
export const CHANNEL = 'bench'

/** How subscribers reach the server. */
export type Transport = 'sse' | 'ws'

/** How to open one subscriber of a transport. */
export interface Subscription {
  /** Request path. */
  path: string
  /**
   * What proves the subscriber is held and subscribed. SSE: bytes in the response.
   * WebSocket: the text of a message; undefined when the `101` itself proves it.
   */
  ready: string | undefined
}

/** A running server the generator can subscribe to and publish through. */
export interface Target {
  name: string
  port: number
  /** Per transport the server serves. */
  subscriptions: Partial<Record<Transport, Subscription>>
  /** Publishes one message: SSE `data: <body>`, WebSocket text `<body>`. */
  publish(body: string): Promise<void>
  /** Opens in flight at once (default: the generator's). */
  opensInFlight?: number
  /** PIDs whose process trees make up the server (for RSS). */
  pids(): number[]
  /**
   * The processes whose RSS is the server's memory (default `pids()`): under `wrangler dev`,
   * the runtime alone (bench/workerd.ts says why).
   */
  memoryPids?(): number[]
  /**
   * Run before the "before" RSS is read (the workerd targets: bench/workerd.ts `warmUp`), so
   * what a server spends once is not divided by N; absent, RSS is read from the start.
   */
  warmUp?(transport: Transport): Promise<void>
  /** What the server printed so far, when the bench started it itself (shown on failure). */
  output?: () => string
  stop(): Promise<void>
}

/** The GRIP origin fixture and the static origin, shared by the targets. */
export interface Origins {
  gripPort: number
  staticPort: number
  stop(): Promise<void>
}

export async function startOrigins(): Promise<Origins> {
  const gripPort = await freePort()
  const staticPort = await freePort()
  const grip = start('node', ['--import', 'tsx', 'fixtures/grip-origin/main.ts'], {
    GRIP_KEY,
    PORT: String(gripPort),
  })
  const stat = start('node', ['bench/static-origin.mjs'], { PORT: String(staticPort) })
  await waitFor(() => answers(`http://127.0.0.1:${gripPort}/plain`), 20_000, 'grip origin')
  await waitFor(() => answers(`http://127.0.0.1:${staticPort}/x`), 20_000, 'static origin')
  return {
    gripPort,
    staticPort,
    stop: async () => {
      await stop(grip)
      await stop(stat)
    },
  }
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { method: 'POST', body, headers })
  const answer = await r.text()
  if (r.status >= 300) throw new Error(`publish to ${url}: ${r.status} ${answer.slice(0, 300)}`)
}

function gripItem(body: string): string {
  const formats = {
    'http-stream': { content: `data: ${body}\n\n` },
    'ws-message': { content: body },
  }
  return JSON.stringify({ items: [{ channel: CHANNEL, formats }] })
}

/** gripgate and Pushpin: the GRIP origin's stream hold and its WebSocket-over-HTTP path. */
export const GRIP_SUBSCRIPTIONS: Target['subscriptions'] = {
  sse: { path: `/stream/${CHANNEL}?keepAlive=300`, ready: 'event: ready' },
  ws: { path: `/ws/${CHANNEL}`, ready: wsReadyMessage(CHANNEL) },
}

/** `gripgate serve --workers N`, joined over the Redis at `redisUrl` (else the in-process relay). */
export interface GripgateWorkers {
  workers: number
  redisUrl?: string
}

/**
 * The SSE subscription when the origin's stream hold is cacheable (`maxAge`): each worker asks
 * the origin once and answers every later subscriber from its cached GRIP instruction (#5).
 */
export const CACHED_SSE = {
  path: `/stream/${CHANNEL}?keepAlive=300&maxAge=3600`,
  ready: 'event: ready',
}

/**
 * `nodeArgs` go before the script, e.g. `--cpu-prof --cpu-prof-dir=DIR` to profile the publish
 * path; `cluster` runs it as several workers (bench/cluster.ts). `logLevel` is `warn` unless
 * said: no access log, as nginx runs here with `access_log off` (bench/access-log.ts measures
 * what the access log costs).
 */
export async function startGripgate(
  origins: Origins,
  nodeArgs: string[] = [],
  cluster?: GripgateWorkers,
  logLevel: 'info' | 'warn' = 'warn',
  /** Let `/stream/*` be cached (the origin says whether), as a user with a cacheable hold would. */
  cacheStreams = false
): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'gripgate-bench-'))
  const port = await freePort()
  const config = {
    origins: {
      grip: { url: `http://127.0.0.1:${origins.gripPort}` },
      static: { url: `http://127.0.0.1:${origins.staticPort}` },
    },
    routes: [
      cacheStreams
        ? { path: '/stream/*', origin: 'grip' }
        : { path: '/stream/*', origin: 'grip', cache: false },
      // A WebSocket upgrade on any route goes to the origin as WebSocket-over-HTTP.
      { path: '/ws/*', origin: 'grip', cache: false },
      { path: '/cached/*', origin: 'static' },
    ],
    grip: { key: GRIP_KEY },
    publish: { keys: [PUBLISH_KEY] },
    limits: { maxConnections: 200_000 },
    ...(cluster?.redisUrl ? { cluster: { redis: { url: cluster.redisUrl } } } : {}),
  }
  const serveArgs = [
    '--log-level',
    logLevel,
    ...(cluster ? ['--workers', String(cluster.workers)] : []),
  ]
  const child = await startGripgateServe(dir, config, port, nodeArgs, serveArgs)
  const base = `http://127.0.0.1:${port}`
  const stopAll = async () => {
    await stop(child)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    // Workers each load the TypeScript sources; on 2 busy cores 7 of them take a while.
    const startMs = cluster ? 90_000 : 60_000
    await waitFor(() => answers(`${base}/cached/ready`), startMs, 'gripgate')
    // The port answers once the first worker listens; node:cluster hands connections only to
    // workers that listen, so wait for all of them, or the first would get more than its share.
    if (cluster)
      await waitFor(
        async () => child.output().includes(`(${cluster.workers} workers)`),
        startMs,
        `gripgate ${cluster.workers} workers`
      )
  } catch (e) {
    await stopAll()
    throw new Error(
      `${(e as Error).message}: ${child.output().trim().split('\n').slice(-3).join(' / ')}`
    )
  }
  return {
    name: 'gripgate',
    port,
    subscriptions: GRIP_SUBSCRIPTIONS,
    publish: (body) =>
      post(`${base}/publish/`, gripItem(body), {
        authorization: `Bearer ${PUBLISH_KEY}`,
        'content-type': 'application/json',
      }),
    pids: () => [child.child.pid!],
    output: () => child.output(),
    stop: stopAll,
  }
}

/** Pushpin 1.x; `messageRate` is the handler's `message_rate` (its default is 2500). */
export async function startPushpin(origins: Origins, messageRate: number): Promise<Target> {
  const pushpin = await startPrivatePushpin({
    originPort: origins.gripPort,
    // `over_http` makes Pushpin speak WebSocket-over-HTTP to the origin for a WebSocket client
    // instead of opening a WebSocket to it; plain HTTP is proxied as before.
    routeFlags: ['over_http'],
    sigKey: GRIP_KEY,
    readyPath: '/stream/ready',
    tuning: {
      messageRate,
      messageHwm: 200_000,
      clientMaxconn: 60_000,
      zurlMaxOpenRequests: 20_000,
      zurlHwm: 20_000,
      logLevel: 1,
    },
  })
  return {
    name: `pushpin (message_rate=${messageRate})`,
    port: Number(new URL(pushpin.url).port),
    subscriptions: GRIP_SUBSCRIPTIONS,
    publish: (body) =>
      post(`${pushpin.controlUri}publish/`, gripItem(body), { 'content-type': 'application/json' }),
    pids: pushpin.pids,
    stop: pushpin.stop,
  }
}

const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so'

/** Why nginx + nchan cannot run, or undefined. */
export function nchanMissing(): string | undefined {
  if (!findExecutable('nginx') && !existsSync('/usr/sbin/nginx')) return 'nginx not installed'
  if (!existsSync(NCHAN_MODULE))
    return `${NCHAN_MODULE} missing (apt-get install libnginx-mod-nchan)`
  return undefined
}

/**
 * nginx with nchan (pub/sub) and a proxy_cache server in front of the static origin, with
 * `worker_processes auto` as nginx ships (one per core; issue #18) unless told.
 */
export async function startNginx(
  origins: Origins,
  workerProcesses: number | 'auto' = 'auto'
): Promise<Target & { cachePort: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'gripgate-bench-nginx-'))
  await chmod(dir, 0o777)
  const port = await freePort()
  const cachePort = await freePort()
  const conf = `load_module ${NCHAN_MODULE};
user root;
worker_processes ${workerProcesses};
worker_rlimit_nofile 200000;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 100000; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  proxy_cache_path ${dir}/cache keys_zone=bench:10m;
  server {
    listen 127.0.0.1:${port};
    location = /sub { nchan_subscriber eventsource websocket; nchan_channel_id ${CHANNEL}; }
    location = /pub { nchan_publisher; nchan_channel_id ${CHANNEL}; nchan_message_buffer_length 10; }
  }
  server {
    listen 127.0.0.1:${cachePort};
    location / { proxy_pass http://127.0.0.1:${origins.staticPort}; proxy_cache bench; proxy_cache_valid 200 1h; }
  }
}
`
  await writeFile(join(dir, 'nginx.conf'), conf)
  const child = start('nginx', [
    '-p',
    dir,
    '-c',
    join(dir, 'nginx.conf'),
    '-e',
    join(dir, 'error.log'),
  ])
  const stopAll = async () => {
    await stop(child)
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await waitFor(() => answers(`http://127.0.0.1:${cachePort}/ready`), 20_000, 'nginx')
  } catch (e) {
    await stopAll()
    throw new Error(`${(e as Error).message}\n${child.output()}`)
  }
  return {
    name: 'nchan',
    port,
    cachePort,
    // nchan answers (headers, or the 101) once the subscriber is registered.
    subscriptions: {
      sse: { path: '/sub', ready: '\r\n\r\n' },
      ws: { path: '/sub', ready: undefined },
    },
    publish: (body) => post(`http://127.0.0.1:${port}/pub`, body, { 'content-type': 'text/plain' }),
    pids: () => [child.child.pid!],
    stop: stopAll,
  }
}

/**
 * Starts bench/node-floor.mjs on a free port (as `workers` node:cluster workers when above 1)
 * and waits until it answers, every worker listening; `nodeArgs` go before the script.
 */
export async function startFloorProcess(workers = 1, nodeArgs: readonly string[] = []) {
  const port = await freePort()
  const child = start('node', [...nodeArgs, 'bench/node-floor.mjs'], {
    PORT: String(port),
    WORKERS: String(workers),
  })
  await waitFor(
    async () =>
      child.output().includes('ready') && (await answers(`http://127.0.0.1:${port}/ready`)),
    20_000 * workers,
    `node floor\n${child.output()}`
  )
  return { port, child }
}

/** The Node floor (bench/node-floor.mjs): node:http and `ws` with no gateway. */
export async function startNodeFloor(workers = 1): Promise<Target> {
  const { port, child } = await startFloorProcess(workers)
  return {
    name: workers > 1 ? `node:http floor, ${workers} workers` : 'node:http floor',
    port,
    subscriptions: {
      sse: { path: '/sub', ready: 'event: ready' },
      ws: { path: '/sub', ready: 'ready' },
    },
    publish: (body) => post(`http://127.0.0.1:${port}/pub`, body, { 'content-type': 'text/plain' }),
    pids: () => [child.child.pid!],
    stop: () => stop(child),
  }
}
