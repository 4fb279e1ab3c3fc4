/**
 * A private Pushpin (the GRIP reference proxy) for differential tests, started as
 * PLATFORMS.md §A.6 "Local Fanout stand-in" describes: its own zurl with a loopback-only
 * policy, its own rundir in a temp dir, every port on 127.0.0.1, `updates_check=off`.
 * Stopped by the PIDs started here; both processes also run under `timeout`, so they end
 * by themselves even if the test process dies before stopping them.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/** The absolute path of an executable on PATH, or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue
    const path = join(dir, name)
    try {
      accessSync(path, constants.X_OK)
      return path
    } catch {
      // Not in this directory.
    }
  }
  return undefined
}

/** Why Pushpin cannot run here, or undefined when pushpin, zurl and condure are installed. */
export function pushpinMissing(): string | undefined {
  const missing = ['pushpin', 'zurl', 'condure'].filter((name) => !findExecutable(name))
  if (missing.length === 0) return undefined
  return `${missing.join(', ')} not installed (apt-get install pushpin)`
}

/** A free TCP port on 127.0.0.1 (released before use; good enough for a test harness). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export interface PushpinOptions {
  /** The GRIP origin every request goes to (`* 127.0.0.1:<port>`). */
  originPort: number
  /** Target flags for the routes line, e.g. `over_http` (WebSocket-over-HTTP to the origin). */
  routeFlags?: string[]
  /** `sig_key`: the key the origin checks Grip-Sig with. */
  sigKey: string
  /** `sig_iss` (default `pushpin`). */
  sigIss?: string
  /**
   * A path whose answer through the proxy (any status below 500) proves it is ready. Make it
   * a GRIP stream hold: right after start-up, condure and the origin may already work while
   * the handler does not take holds yet (the client then gets `500 Accept service unavailable.`).
   */
  readyPath?: string
  /**
   * Capacity settings; the defaults suit tests. The benchmark raises them to hold 10,000
   * subscribers and compares the handler's default `message_rate` (2500) with a raised one.
   */
  tuning?: Partial<PushpinTuning>
}

/** Pushpin and zurl settings that bound load. */
export interface PushpinTuning {
  /** `[handler] message_rate`: deliveries per second (Pushpin's default 2500). */
  messageRate: number
  /** `[handler] message_hwm`: queued deliveries before items are dropped. */
  messageHwm: number
  /** `[runner] client_maxconn`. */
  clientMaxconn: number
  /** zurl `max_open_requests`, and its `in_hwm` / `out_hwm`. */
  zurlMaxOpenRequests: number
  zurlHwm: number
  /** `[runner] log_level`. */
  logLevel: number
}

const TEST_TUNING: PushpinTuning = {
  messageRate: 2500,
  messageHwm: 25000,
  clientMaxconn: 1000,
  zurlMaxOpenRequests: 2000,
  zurlHwm: 1000,
  logLevel: 2,
}

/** A running private Pushpin. */
export interface RunningPushpin {
  /** Client URL (condure), e.g. `http://127.0.0.1:40123`. */
  url: string
  /** The publish endpoint's base, a GRIP control URI: `http://127.0.0.1:<port>/`. */
  controlUri: string
  /** Everything pushpin and zurl printed, for failure messages. */
  output(): string
  /** PIDs whose process trees are the running Pushpin and zurl (for RSS). */
  pids(): number[]
  /** Stops pushpin (and its condure, proxy and handler), then zurl, and removes the temp dir. */
  stop(): Promise<void>
}

/** Hard lifetime of each process, in seconds, enforced by `timeout` as a safety net. */
const MAX_LIFETIME_SECONDS = 600
const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 5_000

function zurlConf(dir: string, t: PushpinTuning): string {
  return `[General]
instance_id=
in_spec=ipc://${dir}/zurl-in
in_stream_spec=ipc://${dir}/zurl-in-stream
out_spec=ipc://${dir}/zurl-out
in_req_spec=
ipc_file_mode=600
# Loopback only: the Debian default denies 127.*; deny-by-default keeps traffic local.
defpolicy=deny
allow=127.0.0.1
deny=
max_open_requests=${t.zurlMaxOpenRequests}
buffer_size=200000
timeout=600
in_hwm=${t.zurlHwm}
out_hwm=${t.zurlHwm}
`
}

function pushpinConf(
  dir: string,
  httpPort: number,
  publishPort: number,
  o: PushpinOptions,
  t: PushpinTuning
) {
  return `[global]
include={libdir}/internal.conf
rundir=${dir}/run
ipc_prefix=pushpin-
port_offset=0
stats_connection_ttl=120

[runner]
services=condure,pushpin-proxy,pushpin-handler
http_port=127.0.0.1:${httpPort}
logdir=${dir}/log
log_level=${t.logLevel}
client_buffer_size=8192
client_maxconn=${t.clientMaxconn}
condure_bin=condure
zurl_bin=zurl

[proxy]
routesfile=${dir}/routes
debug=false
auto_cross_origin=false
accept_x_forwarded_protocol=false
set_x_forwarded_protocol=proto-only
x_forwarded_for=
x_forwarded_for_trusted=
orig_headers_need_mark=
accept_pushpin_route=false
log_from=false
log_user_agent=false
sig_iss=${o.sigIss ?? 'pushpin'}
sig_key=${o.sigKey}
upstream_key=
updates_check=off
organization_name=
# The private zurl (the Debian defaults point at a system zurl service).
zurl_out_specs=ipc://${dir}/zurl-in
zurl_out_stream_specs=ipc://${dir}/zurl-in-stream
zurl_in_specs=ipc://${dir}/zurl-out

[handler]
# ZeroMQ inputs on IPC in the rundir instead of the default TCP ports 5560/5562/5563.
push_in_spec=ipc://{rundir}/{ipc_prefix}push-in
push_in_sub_specs=ipc://{rundir}/{ipc_prefix}push-in-sub
push_in_sub_connect=false
push_in_http_addr=127.0.0.1
push_in_http_port=${publishPort}
push_in_http_max_headers_size=10000
push_in_http_max_body_size=1000000
stats_spec=ipc://{rundir}/{ipc_prefix}stats
command_spec=ipc://{rundir}/{ipc_prefix}command
message_rate=${t.messageRate}
message_hwm=${t.messageHwm}
message_wait=5000
id_cache_ttl=60
connection_subscription_max=20
subscription_linger=60
stats_subscription_ttl=60
stats_report_interval=10
stats_format=tnetstring
`
}

/** Spawns `command` under `timeout` when available, so it cannot outlive the tests for long. */
function spawnBounded(command: string, args: string[], onOutput: (chunk: Buffer) => void) {
  const timeout = findExecutable('timeout')
  const child = timeout
    ? spawn(timeout, ['--kill-after=5', String(MAX_LIFETIME_SECONDS), command, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', onOutput)
  child.stderr?.on('data', onOutput)
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return { child, exited }
}

/** Sends SIGTERM to the child by its PID; SIGKILL if it is still there after a while. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS)
  })
  const outcome = await Promise.race([exited.then(() => 'exited' as const), late])
  clearTimeout(timer)
  if (outcome === 'late') {
    child.kill('SIGKILL')
    await exited
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Resolves once `check` returns true, checking every 100 ms; rejects after `timeoutMs`. */
async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await sleep(100)
  }
  throw new Error(`pushpin: ${what} not ready within ${timeoutMs} ms`)
}

/** Whether `url` answers with a status `ok` accepts; the body is not read (it may be a stream). */
async function answers(url: string, ok: (status: number) => boolean): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) })
  await response.body?.cancel()
  return ok(response.status)
}

/** Starts zurl and pushpin and resolves once a request through the proxy reaches the origin. */
export async function startPushpin(options: PushpinOptions): Promise<RunningPushpin> {
  const dir = await mkdtemp(join(tmpdir(), 'gripgate-pushpin-'))
  await mkdir(join(dir, 'run'))
  await mkdir(join(dir, 'log'))
  const httpPort = await freePort()
  const publishPort = await freePort()
  const tuning = { ...TEST_TUNING, ...options.tuning }
  await writeFile(join(dir, 'zurl.conf'), zurlConf(dir, tuning))
  await writeFile(
    join(dir, 'pushpin.conf'),
    pushpinConf(dir, httpPort, publishPort, options, tuning)
  )
  await writeFile(
    join(dir, 'routes'),
    `* 127.0.0.1:${[options.originPort, ...(options.routeFlags ?? [])].join(',')}\n`
  )

  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024)
  }
  const zurl = spawnBounded('zurl', [`--config=${join(dir, 'zurl.conf')}`], collect)
  const pushpin = spawnBounded(
    'pushpin',
    [`--config=${join(dir, 'pushpin.conf')}`, '--merge-output'],
    collect
  )
  // Should the test process exit without stopping them, take them down with it.
  const killOnExit = () => {
    pushpin.child.kill('SIGTERM')
    zurl.child.kill('SIGTERM')
  }
  process.once('exit', killOnExit)

  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      process.off('exit', killOnExit)
      await stopChild(pushpin.child, pushpin.exited)
      await stopChild(zurl.child, zurl.exited)
      await rm(dir, { recursive: true, force: true })
    })()
    return stopping
  }

  const url = `http://127.0.0.1:${httpPort}`
  const controlUri = `http://127.0.0.1:${publishPort}/`
  try {
    const gone = Promise.race([pushpin.exited, zurl.exited]).then(() => {
      throw new Error('pushpin or zurl exited during start-up')
    })
    gone.catch(() => {})
    await Promise.race([
      gone,
      (async () => {
        await waitUntil(() => answers(controlUri, (s) => s === 200), START_TIMEOUT_MS, 'handler')
        await waitUntil(
          () => answers(`${url}${options.readyPath ?? '/'}`, (s) => s < 500),
          START_TIMEOUT_MS,
          'proxy'
        )
      })(),
    ])
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n${output}`)
  }
  const pids = () => [pushpin.child.pid, zurl.child.pid].filter((pid) => pid !== undefined)
  return { url, controlUri, output: () => output, pids, stop }
}
