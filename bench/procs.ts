/**
 * Process helpers for the bench: spawn bounded children, stop them by their own PIDs, sum the
 * RSS of a process tree from /proc, wait for a port.
 * @module
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** A child started by the bench. */
export interface Child {
  child: ChildProcess
  exited: Promise<void>
  output(): string
}

/** Hard lifetime of every server process (seconds), enforced by `timeout`. */
const MAX_LIFETIME_SECONDS = 3600

/** Spawns `command` under `timeout`, collecting its output. */
export function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(
    'timeout',
    ['--kill-after=5', String(MAX_LIFETIME_SECONDS), command, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } }
  )
  let out = ''
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-16 * 1024)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()))
  return { child, exited, output: () => out }
}

/** SIGTERM by PID, then SIGKILL after 5 s. */
export async function stop(c: Child): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return
  c.child.kill('SIGTERM')
  const late = await Promise.race([
    c.exited.then(() => false),
    new Promise<boolean>((r) => setTimeout(() => r(true), 5000).unref()),
  ])
  if (late) {
    c.child.kill('SIGKILL')
    await c.exited
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

/** VmRSS of one process in KiB (0 when gone). */
export function rssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** Sum of VmRSS (KiB) over `roots` and all their descendants. */
/** Every PID in the process trees under `roots` (roots included). */
function treePids(roots: number[]): number[] {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    const pid = Number(name)
    if (!Number.isInteger(pid)) continue
    const ppid = parentOf(pid)
    if (ppid === undefined) continue
    const list = children.get(ppid) ?? []
    list.push(pid)
    children.set(ppid, list)
  }
  const queue = [...roots]
  for (let i = 0; i < queue.length && i < 10_000; i++)
    queue.push(...(children.get(queue[i]!) ?? []))
  return queue
}

export function treeRssKiB(roots: number[]): number {
  return treePids(roots).reduce((total, pid) => total + rssKiB(pid), 0)
}

/** The PID listening on TCP `port` of 127.0.0.1 (`ss -tlnp`), or undefined. */
export function listenerPid(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-Htlnp', `sport = :${port}`], { encoding: 'utf8' })
    const pid = /pid=(\d+)/.exec(out)?.[1]
    return pid === undefined ? undefined : Number(pid)
  } catch {
    return undefined
  }
}

/** CPU time (user + system, ms) the process trees under `roots` have used so far. */
export function treeCpuMs(roots: number[]): number {
  const tick = 1000 / 100 // USER_HZ is 100 on Linux
  let total = 0
  for (const pid of treePids(roots)) {
    try {
      // Fields after the parenthesised command: state is 3rd, utime 14th, stime 15th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      total += (Number(fields[11]) + Number(fields[12])) * tick
    } catch {
      // The process exited meanwhile.
    }
  }
  return total
}

export { freePort } from '../test/helpers/pushpin.ts'

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Polls `check` every 100 ms until true; throws after `ms`. */
export async function waitFor(check: () => Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await sleep(100)
  }
  throw new Error(`${what} not ready within ${ms} ms`)
}

/** Whether a GET to `url` answers (any status accepted by `ok`) within 2 s; body not read. */
export async function answers(url: string, ok: (s: number) => boolean = (s) => s < 500) {
  const r = await fetch(url, { signal: AbortSignal.timeout(2000) })
  await r.body?.cancel()
  return ok(r.status)
}

/**
 * Writes `config` into `dir` and starts `gripgate serve` on `port` with it (a short drain, so
 * a bench run ends quickly); `nodeArgs` go to node first (profiling flags), `serveArgs` after
 * the command's own (`--workers N`).
 */
export async function startGripgateServe(
  dir: string,
  config: unknown,
  port: number,
  nodeArgs: readonly string[] = [],
  serveArgs: readonly string[] = []
): Promise<Child> {
  const file = join(dir, 'config.json')
  await writeFile(file, JSON.stringify(config))
  return start('node', [
    ...nodeArgs,
    'bin/gripgate',
    'serve',
    '--config',
    file,
    '--port',
    String(port),
    '--drain-ms',
    '1000',
    ...serveArgs,
  ])
}
