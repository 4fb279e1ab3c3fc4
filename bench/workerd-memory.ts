/**
 * Where the memory of a held SSE stream goes under `wrangler dev`, gripgate against the workerd
 * floor (issue #16):
 *
 *   node --import tsx bench/workerd-memory.ts [--sizes=1000,2000] [--only=gripgate|floor] [--heap]
 *
 * For each target, on a fresh `wrangler dev`: RSS of each process of the tree (wrangler's Node
 * process, its dev proxy, the runtime) and the isolate's V8 heap (inspector
 * heap snapshot) when started, after a warm-up (the same opens and closes for both), then with
 * each size held. `--heap` also prints the constructors whose self size grew most between the
 * warm-up and the largest size, per held stream.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs'
import WebSocket from 'ws'
import { type Subscribers, subscribe } from './load.ts'
import { listenerPid, sleep } from './procs.ts'
import { startOrigins } from './targets.ts'
import {
  startWorkerdFloor,
  startWorkerdGripgate,
  WARM_UP_OPENS,
  type WorkerdTarget,
  warmUp,
} from './workerd.ts'

const flag = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const SIZES = (flag('sizes') ?? '1000,2000').split(',').map(Number)
const ONLY = flag('only')
const HEAP = process.argv.includes('--heap')
/** `--no-inspect`: RSS only, never attached to the runtime's inspector (wrangler keeps its own). */
const INSPECT = !process.argv.includes('--no-inspect')

/** Each process under `root`: pid, command, RSS (KiB). */
function tree(root: number): { pid: number; name: string; rssKiB: number }[] {
  const parent = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {}
  }
  const pids = [root]
  for (let i = 0; i < pids.length; i++)
    for (const [pid, ppid] of parent) if (ppid === pids[i]) pids.push(pid)
  return pids.map((pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8')
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
      const name = cmd
        .map((a) => a.split('/').at(-1))
        .filter((a) => a && !a.startsWith('-'))
        .slice(0, 3)
        .join(' ')
      return { pid, name, rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) }
    } catch {
      return { pid, name: '?', rssKiB: 0 }
    }
  })
}

/**
 * A heap snapshot of the runtime's isolate (`userWorkerInspectorUrl` in wrangler's debug log),
 * on a connection of its own: wrangler's own inspector proxy may take the session over.
 */
async function heapSnapshot(url: string | undefined, tries = 3): Promise<HeapSnapshot> {
  if (!url) throw new Error('no userWorkerInspectorUrl in the debug log')
  const ws = new WebSocket(url)
  const chunks: string[] = []
  try {
    return await new Promise<HeapSnapshot>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('heap snapshot timed out')), 120_000)
      ws.once('error', reject)
      ws.once('close', () => reject(new Error('inspector closed the session')))
      ws.once('open', () => {
        ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.enable' }))
        ws.send(JSON.stringify({ id: 2, method: 'HeapProfiler.takeHeapSnapshot' }))
      })
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data))
        if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') chunks.push(msg.params.chunk)
        else if (msg.id === 2) {
          clearTimeout(timer)
          resolve(JSON.parse(chunks.join('')))
        }
      })
    })
  } catch (error) {
    if (tries <= 1) throw error
    await sleep(1000)
    return heapSnapshot(url, tries - 1)
  } finally {
    ws.terminate()
  }
}

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

function byConstructor(s: HeapSnapshot): Map<string, { size: number; count: number }> {
  const fields = s.snapshot.meta.node_fields
  const width = fields.length
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f))
  const types = s.snapshot.meta.node_types[0]
  const out = new Map<string, { size: number; count: number }>()
  for (let i = 0; i < s.nodes.length; i += width) {
    const t = types[s.nodes[i + type!]!]
    const key = t === 'object' || t === 'native' ? s.strings[s.nodes[i + name!]!]! : `(${t})`
    const entry = out.get(key) ?? { size: 0, count: 0 }
    entry.size += s.nodes[i + size!]!
    entry.count += 1
    out.set(key, entry)
  }
  return out
}

const log = (what: string) => console.error(`${new Date().toISOString().slice(11, 19)} ${what}`)

async function probe(name: string, target: WorkerdTarget) {
  log(`${name}: started, inspector ${target.inspectorUrl}`)
  const root = target.pids()[0]!
  const runtime = listenerPid(target.port)
  let heapBy = new Map<string, { size: number; count: number }>()
  const record = async (stage: string, held: number) => {
    await sleep(1000)
    const line = (when: string) => {
      const procs = tree(root)
      const total = procs.reduce((t, p) => t + p.rssKiB, 0)
      const parts = procs
        .filter((p) => p.rssKiB > 0)
        .map((p) => `${p.pid === runtime ? 'runtime ' : ''}${p.name}=${p.rssKiB}`)
      console.log(`${name}\t${stage}\theld=${held}\t${when}\tRSS=${total}\t${parts.join(' ')}`)
      return total
    }
    const beforeGc = line('before GC')
    if (!INSPECT) return { beforeGc, total: beforeGc, heap: 0 }
    // A heap snapshot collects the isolate's garbage first.
    heapBy = byConstructor(await heapSnapshot(target.inspectorUrl))
    const heap = [...heapBy.values()].reduce((t, e) => t + e.size, 0) >> 10
    const total = line(`after GC, heap ${heap} KiB`)
    return { beforeGc, total, heap }
  }
  const started = await record('started', 0)
  log(`${name}: warming up`)
  await warmUp(target, 'sse')
  const warm = await record('warm', 0)
  const before = heapBy
  const held: Subscribers[] = []
  let count = 0
  let last = warm
  for (const size of SIZES) {
    log(`${name}: opening up to ${size}`)
    held.push(
      await subscribe(target, 'sse', size - count, 300_000, { inFlight: target.opensInFlight })
    )
    count = size
    last = await record('held', count)
    const per = (x: number) => (x / count).toFixed(0)
    console.log(
      `${name}\tper held stream since warm-up: RSS ${per(last.total - warm.total)} KiB after GC (${per(last.beforeGc - warm.beforeGc)} before), since start ${per(last.total - started.total)} (${per(last.beforeGc - started.beforeGc)} before), JS heap ${((last.heap - warm.heap) / count).toFixed(1)} KiB`
    )
  }
  if (HEAP) {
    const grown = [...heapBy]
      .map(([key, a]) => {
        const b = before.get(key) ?? { size: 0, count: 0 }
        return { key, size: a.size - b.size, count: a.count - b.count }
      })
      .sort((x, y) => y.size - x.size)
      .slice(0, 25)
    console.log(`${name}: heap growth by constructor per held stream (bytes, objects)`)
    for (const g of grown)
      console.log(
        `  ${g.key.slice(0, 60).padEnd(60)} ${(g.size / count).toFixed(0).padStart(7)} B ${(g.count / count).toFixed(2).padStart(6)}`
      )
  }
  for (const subs of held) subs.close()
}

const origins = await startOrigins()
try {
  const targets: [string, () => Promise<WorkerdTarget>][] = [
    ['gripgate', () => startWorkerdGripgate(origins)],
    ['floor', startWorkerdFloor],
  ]
  for (const [name, starter] of targets) {
    if (ONLY && ONLY !== name) continue
    log(`${name}: starting`)
    const target = await starter()
    const stopped = () =>
      void target
        .stop()
        .then(() => origins.stop())
        .then(() => process.exit(1))
    process.once('SIGTERM', stopped)
    try {
      await probe(name, target)
    } finally {
      process.off('SIGTERM', stopped)
      await target.stop()
    }
  }
  console.log(`warm-up: ${WARM_UP_OPENS} subscribers opened, one publish, all closed`)
} finally {
  await origins.stop()
}
